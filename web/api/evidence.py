"""Evidence: files attached to an entry (multipart, the file in the field ``file``), the
entry's files listed, and a file's bytes to whoever may see an entry that carries it."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from services.entries import RECORDED
from web.api.auth import ledger, principal
from web.api.evidence_schemas import EvidenceAttached, EvidenceList
from web.files import evidence_response

blp = Blueprint(
    "evidence", __name__, url_prefix="/api/v1", description="Files attached to entries."
)

UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file,"
                        " judged from its content",
                    }
                },
                "required": ["file"],
            }
        }
    },
}
BYTES = {
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    "description": "The file's bytes, with its media type; a PDF or an image inline, any"
    " other file as an attachment.",
}


@blp.route("/townships/<code>/entries/<path:entry_id>/evidence", methods=["POST"])
@blp.doc(requestBody=UPLOAD)
@blp.response(201, EvidenceAttached, description="Attached.")
@blp.alt_response(200, schema=EvidenceAttached, description="The entry carried it already.")
def attach(code: str, entry_id: str):
    """Attach a file to an entry, with the rights of recording it; the same bytes again on
    the same entry record nothing."""
    upload = request.files.get("file")
    done = ledger().evidence.attach(
        principal(),
        township=code,
        entry_id=entry_id,
        name=upload.filename if upload else "",
        content=upload.stream if upload else None,
    )
    return done.document(), 201 if done.status == RECORDED else 200


@blp.route("/townships/<code>/entries/<path:entry_id>/evidence", methods=["GET"])
@blp.response(200, EvidenceList)
def listing(code: str, entry_id: str):
    """The files an entry carries, retracted ones too, in the order attached."""
    found = ledger().evidence.listing(principal(), township=code, entry_id=entry_id)
    return {"evidence": [carried.document() for carried in found]}


@blp.route("/evidence/<sha256>", methods=["GET"])
@blp.doc(responses={"200": BYTES})
def file(sha256: str) -> Response:
    """A file's bytes, to whoever may see an entry that carries it (404 otherwise, as for a
    file that does not exist)."""
    return evidence_response(ledger().evidence.file(principal(), sha256=sha256))
