"""The API's documents of the county's reporting calendar (web/api/calendar.py)."""

from __future__ import annotations

import marshmallow as ma

from web.api.schemas import Rate, Strict


class Deadline(Strict):
    period = ma.fields.String(required=True, metadata={"example": "2025"})
    due = ma.fields.String(required=True, metadata={"example": "2026-01-15", "format": "date"})
    # whole numbers only: 1.5 and "2" go to the ledger, which refuses them naming the field
    grace_days = ma.fields.Raw(load_default=0, metadata={"type": "integer", "minimum": 0})


class Deadlines(Strict):
    deadlines = ma.fields.List(ma.fields.Nested(Deadline), required=True)


class Calendar(Deadlines):
    county = ma.fields.String(required=True)


class CalendarQuery(Strict):
    as_of = ma.fields.String(metadata={"description": "ISO time, e.g. 2025-01-15T00:00:00Z"})


class TownshipCompleteness(Strict):
    township = ma.fields.String(required=True)
    submitted_at = ma.fields.String(allow_none=True, required=True)
    on_time = ma.fields.Boolean(
        allow_none=True,
        required=True,
        metadata={"description": "null: no deadline, or not submitted and not yet due"},
    )


class Completeness(Strict):
    county = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    as_of = ma.fields.String(required=True)
    due = ma.fields.String(allow_none=True, required=True)
    grace_days = ma.fields.Integer(allow_none=True, required=True)
    completeness = ma.fields.Nested(Rate, required=True)
    timeliness = ma.fields.Nested(Rate, allow_none=True, required=True)
    townships = ma.fields.List(ma.fields.Nested(TownshipCompleteness), required=True)
