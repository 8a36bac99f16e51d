"""The audit through the API (DOMAIN.md "Audit"): a township's stream of what was recorded in
a time window, figures and the ranking as of a moment beside today's, verification, the audit
export, and who looked at what. Every auditor's action is recorded in the county's trail by
the services, exactly as the pages and the command line record it."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from web.api.audit_schemas import (
    AuditLog,
    DifferenceQuery,
    EntriesSince,
    EntriesSinceQuery,
    FiguresDifference,
    HistoryStream,
    PageQuery,
    RankingDifference,
    StreamQuery,
    VerificationRequest,
    VerificationResult,
)
from web.api.auth import ledger, principal
from web.api.documents import JSON_LINES, audit_export_file

blp = Blueprint(
    "auditing", __name__, url_prefix="/api/v1", description="History, the past, verification."
)

EXPORT_FILE = {
    "content": {JSON_LINES: {"schema": {"type": "string"}}},
    "description": "The audit export (JSON Lines, docs/audit.md); the file's SHA-256 is in"
    " the X-Content-SHA256 header: keep it, and check the file with tools/verify_export.py.",
}


@blp.route("/townships/<code>/history", methods=["GET"])
@blp.arguments(StreamQuery, location="query", unknown=ma.RAISE)
@blp.response(200, HistoryStream)
def stream(query: dict, code: str):
    """Everything recorded for the township in a time window, late events marked, a page at
    a time (``history --from`` writes them all)."""
    found = ledger().history.window(
        principal(),
        township=code,
        since=query["from_"],
        until=query.get("to"),
        cursor=query.get("cursor"),
        limit=query["limit"],
    )
    return {"township": code, "from_": query["from_"], "to": query.get("to"), **found}


@blp.route("/townships/<code>/figures/difference", methods=["GET"])
@blp.arguments(DifferenceQuery, location="query", unknown=ma.RAISE)
@blp.response(200, FiguresDifference)
def figures_difference(query: dict, code: str):
    """The township's figures as of a moment beside today's: what changed, and the entries
    recorded or retracted since: counted, the first named, the rest paged (``next_cursor``
    for ``…/figures/difference/entries``; ``diff --township`` names them all)."""
    return ledger().differences.figures_since(
        principal(), township=code, period=query["period"], as_of=query["as_of"]
    )


@blp.route("/counties/<code>/ranking/difference", methods=["GET"])
@blp.arguments(DifferenceQuery, location="query", unknown=ma.RAISE)
@blp.response(200, RankingDifference)
def ranking_difference(query: dict, code: str):
    """The county's ranking as of a moment beside today's: the ranks and scores that
    changed, and the entries recorded or retracted since: counted, the first named, the rest
    paged (``next_cursor`` for ``…/ranking/difference/entries``; ``diff --county`` names them
    all)."""
    return ledger().differences.ranking_since(
        principal(), county=code, period=query["period"], as_of=query["as_of"]
    )


@blp.route("/townships/<code>/figures/difference/entries", methods=["GET"])
@blp.arguments(EntriesSinceQuery, location="query", unknown=ma.RAISE)
@blp.response(200, EntriesSince)
def figures_entries_since(query: dict, code: str):
    """Every entry recorded or retracted since ``as_of`` that counts in the township's
    ``period``, a page at a time: the rest of a figures difference's ``entries``."""
    return ledger().differences.entries_since(principal(), township=code, **query)


@blp.route("/counties/<code>/ranking/difference/entries", methods=["GET"])
@blp.arguments(EntriesSinceQuery, location="query", unknown=ma.RAISE)
@blp.response(200, EntriesSince)
def ranking_entries_since(query: dict, code: str):
    """Every entry recorded or retracted since ``as_of`` that counts in ``period``, of the
    county's townships, a page at a time: the rest of a ranking difference's ``entries``."""
    return ledger().differences.entries_since(principal(), county=code, **query)


@blp.route("/verifications", methods=["POST"])
@blp.arguments(VerificationRequest)
@blp.response(200, VerificationResult)
def verify(given: dict):
    """Verify the hash chains, the publications' anchors and the read model of one township
    or a county (the auditor's own when none is given): the result and the first record that
    does not match (as ``verify``)."""
    return ledger().verifier.verify(
        principal(), township=given.get("township"), county=given.get("county")
    )


@blp.route("/townships/<code>/audit-export", methods=["GET"])
@blp.doc(responses={"200": EXPORT_FILE})
def township_export(code: str) -> Response:
    """The township's events with their hashes, the links of its chain and the
    publications' anchors: the file ``audit-export --township`` writes."""
    exporter = ledger().audit_export
    townships = exporter.townships(principal(), township=code)
    return audit_export_file(exporter.lines(townships), name=f"{townships[0]}-audit-export")


@blp.route("/counties/<code>/audit-export", methods=["GET"])
@blp.doc(responses={"200": EXPORT_FILE})
def county_export(code: str) -> Response:
    """The same for every township of the county (``audit-export --county``)."""
    exporter = ledger().audit_export
    townships = exporter.townships(principal(), county=code)
    return audit_export_file(exporter.lines(townships), name=f"{code}-audit-export")


@blp.route("/counties/<code>/audit-log", methods=["GET"])
@blp.arguments(PageQuery, location="query", unknown=ma.RAISE)
@blp.response(200, AuditLog)
def audit_log(query: dict, code: str):
    """Who looked at what in the county, oldest first, a page at a time (``audit-log``
    prints them all)."""
    return {"county": code, **ledger().trail.looks_page(principal(), county=code, **query)}
