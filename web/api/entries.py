"""Recording: one interchange line, or a whole file; listing a township's entries and one
entry's history."""

from __future__ import annotations

import marshmallow as ma
from flask import request
from flask_smorest import Blueprint

from services.entries import RECORDED
from web.api.auth import ledger, principal
from web.api.bodies import interchange_line, ndjson_lines
from web.api.schemas import (
    LINE_SCHEMAS,
    EntriesQuery,
    EntryHistory,
    EntryPage,
    EntryRecorded,
    ImportDone,
    check_line,
)

blp = Blueprint("entries", __name__, url_prefix="/api/v1", description="Recording and listing.")

LINE_REFS = {t: f"#/components/schemas/{s.__name__}" for t, s in LINE_SCHEMAS.items()}
LINE_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [{"$ref": ref} for ref in LINE_REFS.values()],
                "discriminator": {"propertyName": "type", "mapping": LINE_REFS},
            }
        }
    },
}
NDJSON_BODY = {
    "required": True,
    "content": {
        "application/x-ndjson": {
            "schema": {"type": "string", "description": "interchange lines, one JSON object each"}
        }
    },
}


@blp.route("/entries", methods=["POST"])
@blp.doc(requestBody=LINE_BODY)
@blp.response(201, EntryRecorded, description="Recorded.")
@blp.alt_response(200, schema=EntryRecorded, description="The same line was already recorded.")
def record():
    """Record one interchange line, with the caller's rights."""
    line = interchange_line(request.get_data())
    check_line(line)
    result = ledger().interchange.record_line(principal(), line)
    return result, 201 if result.status == RECORDED else 200


@blp.route("/imports", methods=["POST"])
@blp.doc(requestBody=NDJSON_BODY)
@blp.response(201, ImportDone)
def import_file():
    """Record a file of interchange lines: every line or none."""
    lines = ndjson_lines(request.stream)
    return ledger().interchange.import_lines(principal(), lines)


@blp.route("/townships/<code>/entries", methods=["GET"])
@blp.arguments(EntriesQuery, location="query", unknown=ma.RAISE)
@blp.response(200, EntryPage)
def list_entries(query: dict, code: str):
    """A township's entries, the latest business date first, a page at a time."""
    return ledger().browsing.entries(
        principal(),
        township=code,
        type=query.get("type"),
        since=query.get("from_"),
        until=query.get("to"),
        open=query.get("open"),
        limit=query["limit"],
        cursor=query.get("cursor"),
    )


@blp.route("/townships/<code>/entries/<path:entry_id>", methods=["GET"])
@blp.response(200, EntryHistory)
def entry(code: str, entry_id: str):
    """One entry and its whole history: who recorded what, when, and any retraction."""
    return ledger().entries.entry(principal(), township=code, entry_id=entry_id)
