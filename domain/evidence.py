"""Evidence: files attached to an entry (the minutes of a meeting, the sign-in sheet of a
lecture, the photo of a rectified site), by their SHA-256.

The entry's own events say which files it carries (``Entry.EvidenceAttached``,
``Entry.EvidenceRetracted`` in domain/entry.py), so the township's hash chain covers them; the
bytes are kept apart, in a content-addressed store. A file is never deleted: a wrong one is
retracted with a reason and stays readable by those who may see the entry.

``EvidenceIndex`` (one aggregate per SHA-256) lists the entries carrying a file, so that the
file can be given to whoever may see one of them, and to nobody else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.moments import stamp

ATTACHED = "evidence_attached"
RETRACTED = "evidence_retracted"
EVIDENCE_TYPES = frozenset({ATTACHED, RETRACTED})

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What may be attached: judged from the content, never from the name.
MEDIA_TYPES = (PDF, JPEG, PNG, DOCX, XLSX)
IMAGES = frozenset({JPEG, PNG})
# The name's ending each type is given back with (a third party opening an export's file).
EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png", DOCX: ".docx", XLSX: ".xlsx"}

INDEX_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/evidence")


@dataclass(frozen=True)
class Carried:
    """A file an entry carries (or carried: a retracted one stays on the record)."""

    sha256: str
    size: int
    media_type: str
    name: str
    attached_at: datetime
    attached_by: str
    retracted: bool = False
    reason: str | None = None

    @property
    def image(self) -> bool:
        return self.media_type in IMAGES

    def document(self, *only: str) -> dict[str, Any]:
        """As the API and the audit history give it (the moment as UTC ISO text); ``only``
        these keys, when given."""
        whole = {
            "sha256": self.sha256,
            "size": self.size,
            "media_type": self.media_type,
            "name": self.name,
            "attached_at": stamp(self.attached_at),
            "attached_by": self.attached_by,
            "retracted": self.retracted,
            "reason": self.reason,
        }
        return {key: whole[key] for key in only} if only else whole


def carried(events: Iterable[tuple[str, Mapping[str, Any], datetime, str]]) -> tuple[Carried, ...]:
    """The files an entry carries, in the order first attached, from its events in order
    (each: its type, fields, recording time and who recorded it). A file attached again after
    its retraction is carried again."""
    found: dict[str, Carried] = {}
    for type_, fields, at, actor in events:
        if type_ == ATTACHED:
            found[fields["sha256"]] = Carried(
                fields["sha256"], fields["size"], fields["media_type"], fields["name"], at, actor
            )
        elif type_ == RETRACTED and fields["sha256"] in found:
            was = found[fields["sha256"]]
            found[fields["sha256"]] = Carried(
                *(getattr(was, n) for n in ("sha256", "size", "media_type", "name")),
                was.attached_at,
                was.attached_by,
                retracted=True,
                reason=fields["reason"],
            )
    return tuple(found.values())


def index_uuid(sha256: str) -> UUID:
    return uuid5(INDEX_NAMESPACE, sha256)


class EvidenceIndex(Aggregate):
    """The entries (township, entry id) that carry one file, in the order it was attached to
    them. Saved with the evidence event that names a new one, in one transaction."""

    @event("Started")
    def __init__(self, sha256: str) -> None:
        self.sha256 = sha256
        self.entries: list[tuple[str, str]] = []

    @classmethod
    def create_id(cls, sha256: str) -> UUID:
        return index_uuid(sha256)

    def names(self, township: str, entry_id: str) -> bool:
        return (township, entry_id) in self.entries

    def carried_by(self, township: str, entry_id: str) -> None:
        if not self.names(township, entry_id):
            self._carried_by(township, entry_id)

    @event("CarriedBy")
    def _carried_by(self, township: str, entry_id: str) -> None:
        self.entries.append((township, entry_id))
