"""Reading: figures, the entries behind a figure, the county ranking and its indicators, and
annual reports. Each answers with the same document as the command line's ``--json``."""

from __future__ import annotations

import marshmallow as ma
from flask import Response
from flask_smorest import Blueprint

from web.api.audit_schemas import TodaysRanking
from web.api.auth import ledger, principal
from web.api.calendar_schemas import CalendarQuery
from web.api.county_schemas import CountyQualityRules, Quality, QualityRules, Trends, TrendsQuery
from web.api.documents import report_file
from web.api.schemas import (
    CountyGroups,
    CountyIndicators,
    Figures,
    Groups,
    Indicators,
    PeriodQuery,
    RankingQuery,
    ReportQuery,
    Trace,
    TraceQuery,
)

blp = Blueprint("reading", __name__, url_prefix="/api/v1", description="Figures and rankings.")

REPORT_FILES = {
    "content": {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
            "schema": {"type": "string", "format": "binary"}
        },
        "text/html": {"schema": {"type": "string"}},
    },
    "description": "The annual report as a document.",
}


@blp.route("/townships/<code>/figures", methods=["GET"])
@blp.arguments(PeriodQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Figures)
def figures(query: dict, code: str):
    """A township's figures for a period (as ``figures --json``)."""
    return ledger().figures.figures(
        principal(), township=code, period=query["period"], as_of=query.get("as_of")
    )


@blp.route("/townships/<code>/trace", methods=["GET"])
@blp.arguments(TraceQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Trace)
def trace(query: dict, code: str):
    """The entry ids behind one figure (for a rate, behind its numerator, or its denominator
    when the figure ends in ``.denominator``), sorted, ``limit`` a page (``trace`` prints them
    all), and how many of them all carry evidence."""
    found = ledger().figures.trace_page(
        principal(),
        township=code,
        period=query["period"],
        figure=query["figure"],
        as_of=query.get("as_of"),
        cursor=query.get("cursor"),
        limit=query["limit"],
    )
    return {"township": code, "period": query["period"], "figure": query["figure"], **found}


@blp.route("/townships/<code>/trends", methods=["GET"])
@blp.arguments(TrendsQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Trends)
def trends(query: dict, code: str):
    """Every rankable figure of a township (or ``figure`` alone) in each quarter and year from
    ``from`` to ``to`` (at most 10 years), each beside the same period a year before."""
    return ledger().trends.trends(
        principal(),
        township=code,
        first=query["from_"],
        last=query["to"],
        figure=query.get("figure"),
    )


@blp.route("/counties/<code>/ranking", methods=["GET"])
@blp.arguments(RankingQuery, location="query", unknown=ma.RAISE)
@blp.response(200, TodaysRanking)
def ranking(query: dict, code: str):
    """The county's townships ranked (as ``ranking --json``), each with its peer group and
    its rank within it when the county has groups; ``group``: that group's townships alone,
    by its indicators. Today's overall ranking carries a ``restatement`` notice when entries
    recorded since the latest publication of this ranking changed a published rank, naming
    those entries."""
    doc = ledger().rankings.ranking(
        principal(),
        county=code,
        period=query["period"],
        as_of=query.get("as_of"),
        with_flags=True,
        group=query.get("group"),
        with_groups=True,
    )
    if query.get("as_of") is not None or query.get("group") is not None:
        return doc
    notice = ledger().publications.restatement(
        principal(), county=code, period=query["period"], today=doc
    )
    return {**doc, "restatement": notice} if notice else doc


@blp.route("/counties/<code>/indicators", methods=["GET"])
@blp.response(200, CountyIndicators)
def indicators(code: str):
    """The ranking indicators in force for the county."""
    chosen = ledger().rankings.indicators(principal(), county=code)
    return {"county": code, "indicators": chosen}


@blp.route("/counties/<code>/indicators", methods=["PUT"])
@blp.arguments(Indicators)
@blp.response(200, CountyIndicators)
def set_indicators(given: dict, code: str):
    """Set the county's ranking indicators (the county officer)."""
    chosen = ledger().rankings.set_indicators(
        principal(), county=code, indicators=given["indicators"]
    )
    return {"county": code, "indicators": chosen}


@blp.route("/counties/<code>/groups", methods=["GET"])
@blp.arguments(CalendarQuery, location="query", unknown=ma.RAISE)
@blp.response(200, CountyGroups)
def groups(query: dict, code: str):
    """The county's peer groups in force (at ``as_of``)."""
    found = ledger().rankings.groups(principal(), county=code, as_of=query.get("as_of"))
    return {"county": code, "groups": found}


@blp.route("/counties/<code>/groups", methods=["PUT"])
@blp.arguments(Groups)
@blp.response(200, CountyGroups)
def set_groups(given: dict, code: str):
    """Set all the county's peer groups (the county officer); an empty list ends them.
    Answers with the groups in force."""
    found = ledger().rankings.set_groups(principal(), county=code, groups=given["groups"])
    return {"county": code, "groups": found}


@blp.route("/counties/<code>/quality-rules", methods=["GET"])
@blp.response(200, CountyQualityRules)
def quality_rules(code: str):
    """The county's data-quality rules in force (docs/figures.md "Data quality")."""
    return {"county": code, **ledger().quality.rules(principal(), county=code)}


@blp.route("/counties/<code>/quality-rules", methods=["PUT"])
@blp.arguments(QualityRules)
@blp.response(200, CountyQualityRules)
def set_quality_rules(given: dict, code: str):
    """Set any of the county's data-quality rules' settings (the county officer); the others
    keep their values. Answers the rules in force."""
    return {"county": code, **ledger().quality.set_rules(principal(), county=code, rules=given)}


@blp.route("/counties/<code>/quality", methods=["GET"])
@blp.arguments(PeriodQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Quality)
def quality(query: dict, code: str):
    """Each of the county's townships' data-quality flags for a period, as of a moment (now),
    each with its value, the threshold it was judged by and the entries behind it."""
    return ledger().quality.quality(
        principal(), county=code, period=query["period"], as_of=query.get("as_of")
    )


@blp.route("/townships/<code>/reports/<int:year>", methods=["GET"])
@blp.arguments(ReportQuery, location="query", unknown=ma.RAISE)
@blp.doc(responses={"200": REPORT_FILES})
def report(query: dict, code: str, year: int) -> Response:
    """A township's annual report as DOCX or HTML (as ``report --format``)."""
    document = ledger().reports.report(
        principal(), township=code, year=year, as_of=query.get("as_of")
    )
    return report_file(document, query["format"], name=f"{code}-{year}")
