"""The county's reporting calendar: its deadlines per year, and the completeness and
timeliness of a year's reports (services/calendar.py)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from web.api.auth import ledger, principal
from web.api.calendar_schemas import Calendar, CalendarQuery, Completeness, Deadlines
from web.api.schemas import PeriodQuery

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/v1", description="The county's reporting calendar."
)


@blp.route("/counties/<code>/calendar", methods=["GET"])
@blp.arguments(CalendarQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Calendar)
def calendar(query: dict, code: str):
    """The county's deadlines in force (at ``as_of``), by year."""
    found = ledger().calendar.deadlines(principal(), county=code, as_of=query.get("as_of"))
    return {"county": code, "deadlines": found}


@blp.route("/counties/<code>/calendar", methods=["PUT"])
@blp.arguments(Deadlines)
@blp.response(200, Calendar)
def set_calendar(given: dict, code: str):
    """Set the due day and grace days of the years given (the county officer); the other
    years keep theirs. Answers with every deadline in force."""
    found = ledger().calendar.set_deadlines(principal(), county=code, deadlines=given["deadlines"])
    return {"county": code, "deadlines": found}


@blp.route("/counties/<code>/completeness", methods=["GET"])
@blp.arguments(PeriodQuery, location="query", unknown=ma.RAISE)
@blp.response(200, Completeness)
def completeness(query: dict, code: str):
    """Which townships submitted the year's report, when first, and whether by the due day
    plus grace days (in the installation's days), as of ``as_of`` (now)."""
    return ledger().calendar.completeness(
        principal(), county=code, period=query["period"], as_of=query.get("as_of")
    )
