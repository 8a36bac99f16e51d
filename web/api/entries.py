"""Recording: one interchange line, or a whole file (interchange lines, or the pages' Excel
workbook); listing a township's entries and one entry's history (the audit history, late
events marked; an auditor's look is recorded in the county's trail)."""

from __future__ import annotations

import marshmallow as ma
from flask import g, request
from flask_smorest import Blueprint

from services.entries import RECORDED
from web import workbooks
from web.api.audit_schemas import EntryHistory
from web.api.auth import acting, ledger, principal
from web.api.bodies import interchange_line, ndjson_lines
from web.api.schemas import (
    LINE_SCHEMAS,
    EntriesQuery,
    EntryPage,
    EntryRecorded,
    ImportDone,
    ImportQuery,
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
IMPORT_BODY = {
    "required": True,
    "content": {
        "application/x-ndjson": {
            "schema": {"type": "string", "description": "interchange lines, one JSON object each"}
        },
        workbooks.XLSX: {
            "schema": {
                "type": "string",
                "format": "binary",
                "description": "the pages' Excel workbook (its template: the import page;"
                " columns and choices by their Chinese or English labels or their codes),"
                " read within limits (docs/interchange.md); errors name the sheet's row",
            }
        },
        workbooks.ZIP: {
            "schema": {
                "type": "string",
                "format": "binary",
                "description": "a ZIP of the workbook (outside any folder) and the files its"
                " rows name in the column 佐证材料 (evidence): the entries, all or none, then"
                " their files; a file that cannot be evidence is refused naming its row",
            }
        },
    },
}
# A workbook's line n is the first sheet's row n + 1 (row 1 holds the column names).
WORKBOOK_ROWS = 1


@blp.route("/entries", methods=["POST"])
@blp.doc(requestBody=LINE_BODY)
@blp.response(201, EntryRecorded, description="Recorded.")
@blp.alt_response(200, schema=EntryRecorded, description="The same line was already recorded.")
def record():
    """Record one interchange line, with the caller's rights."""
    line = interchange_line(request.get_data())
    check_line(line)
    result = acting(lambda who: ledger().interchange.record_line(who, line))
    return result, 201 if result.status == RECORDED else 200


@blp.route("/imports", methods=["POST"])
@blp.arguments(ImportQuery, location="query", unknown=ma.RAISE)
@blp.doc(requestBody=IMPORT_BODY)
@blp.response(201, ImportDone)
def import_file(query: dict):
    """Record a file of interchange lines, or an Excel workbook of the pages: every line
    (row) or none."""
    if request.mimetype == workbooks.ZIP:
        g.row_offset = WORKBOOK_ROWS
        township = query.get("township") or principal().township or ""
        return workbooks.import_bundle(ledger(), principal(), request.get_data(), township)
    if request.mimetype == workbooks.XLSX:
        g.row_offset = WORKBOOK_ROWS  # errors name the sheet's rows
        township = query.get("township") or principal().township or ""
        lines = workbooks.lines_from(request.get_data(), township)
    else:
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
    """One entry and its whole history: who recorded what, when, and any retraction, late
    events marked (an auditor's look is recorded, as on the auditor's pages)."""
    return ledger().history.entry(principal(), township=code, entry_id=entry_id)
