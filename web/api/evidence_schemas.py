"""The shapes of evidence's answers: a file attached, and the files an entry carries."""

from __future__ import annotations

import marshmallow as ma
from marshmallow.validate import OneOf as Enum

from domain.evidence import MEDIA_TYPES
from web.api.schemas import Strict

SHA256 = {"description": "the file's SHA-256, hexadecimal", "example": "9f86d0" + "8" * 58}


class EvidenceAttached(Strict):
    sha256 = ma.fields.String(required=True, metadata=SHA256)
    size = ma.fields.Integer(required=True, metadata={"description": "bytes"})
    media_type = ma.fields.String(
        required=True,
        validate=Enum(MEDIA_TYPES),
        metadata={"description": "judged from the content, not the name"},
    )
    name = ma.fields.String(required=True, metadata={"description": "the file's own name"})


class EvidenceItem(EvidenceAttached):
    attached_at = ma.fields.String(
        required=True, metadata={"format": "date-time", "example": "2025-01-15T00:00:00Z"}
    )
    attached_by = ma.fields.String(required=True)
    retracted = ma.fields.Boolean(required=True)
    reason = ma.fields.String(
        allow_none=True, metadata={"description": "why it was retracted (null: it was not)"}
    )


class EvidenceList(Strict):
    evidence = ma.fields.List(ma.fields.Nested(EvidenceItem), required=True)
