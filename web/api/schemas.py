"""The shapes the API accepts and answers with. They check shape only (types, required
fields, allowed values, no unknown field); the services decide everything else.

The entry schemas are generated from the event classes' ``FIELDS`` (``domain.catalogue``), so
the OpenAPI document cannot drift from what the ledger records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache, partial
from typing import Any

import marshmallow as ma
from marshmallow.validate import OneOf as Enum
from marshmallow.validate import Range

from domain import values
from domain.catalogue import ALL_TYPES, CREATIONS, FOLLOW_UPS
from domain.entry import Field, OneOf, SomeOf
from domain.quality import RULES as QUALITY_RULES
from domain.report import REPORT_THEMES, theme_texts
from services.figures import TRACE_MOST, TRACE_PAGE
from services.rankings import MAX_WEIGHT

Make = Callable[..., ma.fields.Field]

# The check a field of an entry event takes -> the shape of its JSON value.
SHAPES: dict[Callable[..., Any], Make] = {
    values.count: partial(ma.fields.Integer, strict=True),
    values.year: partial(ma.fields.Integer, strict=True),
    values.quarter: partial(ma.fields.Integer, strict=True),
    values.text: ma.fields.String,
    values.long_text: ma.fields.String,
    values.entry_id: ma.fields.String,
    values.texts: partial(ma.fields.List, ma.fields.String()),
    values.flag: ma.fields.Boolean,
    values.day: ma.fields.Date,
    values.deadline: ma.fields.Date,
    theme_texts: partial(
        ma.fields.Dict,
        keys=ma.fields.String(validate=Enum(REPORT_THEMES)),
        values=ma.fields.String(),
    ),
}


def shape_of(field: Field) -> ma.fields.Field:
    options: dict[str, Any] = {"required": not field.optional, "allow_none": field.optional}
    check = field.check
    if isinstance(check, SomeOf):
        return ma.fields.List(ma.fields.String(validate=Enum(check.allowed)), **options)
    if isinstance(check, OneOf):
        return ma.fields.String(validate=Enum(check.allowed), **options)
    if check not in SHAPES:
        raise LookupError(f"no API shape for the check {check!r}: add one to SHAPES")
    return SHAPES[check](**options)


def _event_classes() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for entry_class in (*CREATIONS.values(), *(c for cs in FOLLOW_UPS.values() for c in cs)):
        found.update(entry_class.event_classes())
    return {type_: found[type_] for type_ in ALL_TYPES}


def line_schema(type_: str, event_class: Any) -> type[ma.Schema]:
    fields: dict[str, ma.fields.Field] = {
        "township": ma.fields.String(required=True),
        "type": ma.fields.String(required=True, validate=Enum([type_])),
        "id": ma.fields.String(required=True),
        "occurred_on": ma.fields.Date(required=True),
    }
    fields.update({name: shape_of(field) for name, field in event_class.FIELDS.items()})
    name = "".join(part.title() for part in type_.split("_")) + "Line"
    return ma.Schema.from_dict(fields, name=name)


LINE_SCHEMAS: dict[str, type[ma.Schema]] = {
    type_: line_schema(type_, cls) for type_, cls in _event_classes().items()
}


class Payload(ma.fields.Dict):
    """An event's fields as the interchange format writes them (dates as ISO text, lists)."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return {k: _plain(v) for k, v in value.items() if v is not None}


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def check_line(line: dict[str, Any]) -> None:
    """Check an interchange line's shape against its type's schema (raises ValidationError);
    a line whose type is not one of the ledger's (a list, an object: no text) is left to the
    service to name."""
    type_ = line.get("type")
    if isinstance(type_, str) and type_ in LINE_SCHEMAS:
        _line_schema(type_).load(line)


@cache
def _line_schema(type_: str) -> ma.Schema:
    """One instance per type, kept: making a schema (copying its fields) cost as much as
    using it. An instance's ``load`` keeps no state between calls."""
    return LINE_SCHEMAS[type_]()


class Strict(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class TokenRequest(Strict):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True)
    # The code of the user's authenticator app, or a recovery code: for a user enrolled in
    # two-factor sign-in.
    otp = ma.fields.String()


class TokenIssued(Strict):
    token = ma.fields.String(required=True)
    expires_at = ma.fields.DateTime(required=True)


class EntryRecorded(Strict):
    township = ma.fields.String(required=True)
    id = ma.fields.String(required=True, attribute="entry_id")
    type = ma.fields.String(required=True)
    position = ma.fields.Integer(
        allow_none=True, metadata={"description": "the log position written (null: a repeat)"}
    )


class ImportDone(Strict):
    recorded = ma.fields.Integer(required=True)
    skipped = ma.fields.Integer(
        required=True, attribute="repeats", metadata={"description": "lines already recorded"}
    )
    files = ma.fields.Integer(
        metadata={"description": "evidence files attached (a ZIP's import only)"}
    )


class ImportQuery(Strict):
    township = ma.fields.String(
        metadata={"description": "a workbook's township (default: the caller's own)"}
    )


class EntriesQuery(Strict):
    type = ma.fields.String(validate=Enum(tuple(CREATIONS)))
    from_ = ma.fields.Date(data_key="from")
    to = ma.fields.Date()
    open = ma.fields.Boolean()
    limit = ma.fields.Integer(validate=Range(min=1, max=200), load_default=100)
    cursor = ma.fields.String()


class EntrySummary(Strict):
    id = ma.fields.String(required=True, attribute="entry_id")
    type = ma.fields.String(required=True)
    occurred_on = ma.fields.Date(required=True)
    recorded_at = ma.fields.DateTime(required=True)
    open = ma.fields.Boolean(required=True, metadata={"description": "awaits its follow-up"})
    overdue = ma.fields.Boolean(required=True)
    retracted = ma.fields.Boolean(required=True)
    deadline = ma.fields.String(allow_none=True, required=True)


class EntryPage(Strict):
    items = ma.fields.List(ma.fields.Nested(EntrySummary), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "entries the filters keep"})
    next_cursor = ma.fields.String(allow_none=True, required=True)


class PeriodQuery(Strict):
    period = ma.fields.String(required=True, metadata={"example": "2024"})
    as_of = ma.fields.String(metadata={"description": "ISO time, e.g. 2025-01-15T00:00:00Z"})


class TraceQuery(PeriodQuery):
    figure = ma.fields.String(required=True, metadata={"example": "disputes.resolved"})
    limit = ma.fields.Integer(validate=Range(min=1, max=TRACE_MOST), load_default=TRACE_PAGE)
    cursor = ma.fields.String()


class ReportQuery(Strict):
    format = ma.fields.String(validate=Enum(["docx", "html"]), load_default="html")
    as_of = ma.fields.String()


class Rate(Strict):
    numerator = ma.fields.Integer(required=True)
    denominator = ma.fields.Integer(required=True)
    value = ma.fields.Float(allow_none=True, required=True)


class Figures(Strict):
    """The document of ``figures --json`` (docs/figures.md)."""

    township = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    as_of = ma.fields.String(required=True)
    sessions = ma.fields.Dict(required=True)
    meetings = ma.fields.Dict(required=True)
    decisions = ma.fields.Dict(required=True)
    inspections = ma.fields.Integer(required=True)
    issues = ma.fields.Dict(required=True)
    disputes = ma.fields.Dict(required=True)
    hotline = ma.fields.Dict(required=True)
    roster = ma.fields.Dict(required=True)
    rates = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(Rate), required=True)
    report = ma.fields.Dict(metadata={"description": "a year's report: its status"})


class Trace(Strict):
    township = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    figure = ma.fields.String(required=True)
    entries = ma.fields.List(
        ma.fields.String(), required=True, metadata={"description": "`limit` ids, sorted"}
    )
    total = ma.fields.Integer(required=True)
    next_cursor = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "give it as `cursor` for the next ids (null: the last)"},
    )
    with_evidence = ma.fields.Integer(
        metadata={"description": "how many of the entries (all pages) carry evidence (a file)"}
    )


class Indicator(Strict):
    figure = ma.fields.String(required=True)
    direction = ma.fields.String(required=True, validate=Enum(["higher", "lower"]))
    # NaN and infinity (1e400 reads as infinity) pass to the ledger, which refuses them as it
    # refuses 1e308, naming indicators[N].weight as the pages and the command line do
    weight = ma.fields.Float(
        required=True,
        allow_nan=True,
        metadata={"minimum": 0, "exclusiveMinimum": True, "maximum": MAX_WEIGHT},
    )


class Indicators(Strict):
    indicators = ma.fields.List(ma.fields.Nested(Indicator), required=True)


class CountyIndicators(Indicators):
    county = ma.fields.String(required=True)


class Group(Strict):
    """A peer group: its name, its townships (each in one group at most) and, if it has its
    own, its ranking indicators (else the county's rank it)."""

    name = ma.fields.String(required=True, metadata={"example": "镇"})
    townships = ma.fields.List(ma.fields.String(), required=True)
    indicators = ma.fields.List(ma.fields.Nested(Indicator), allow_none=True)


class Groups(Strict):
    groups = ma.fields.List(ma.fields.Nested(Group), required=True)


class CountyGroups(Groups):
    county = ma.fields.String(required=True)


class RankingQuery(PeriodQuery):
    group = ma.fields.String(metadata={"description": "rank this peer group's townships alone"})


class RankedTownship(Strict):
    township = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    rank = ma.fields.Integer(allow_none=True, required=True)
    score = ma.fields.Float(allow_none=True, required=True)
    indicators = ma.fields.Dict(required=True)
    flags = ma.fields.List(
        ma.fields.String(validate=Enum(QUALITY_RULES)),
        metadata={"description": "the data-quality rules the township's period breaks"},
    )
    group = ma.fields.String(
        allow_none=True, metadata={"description": "its peer group (null: in none)"}
    )
    group_rank = ma.fields.Integer(
        allow_none=True, metadata={"description": "its rank within its peer group"}
    )


class Ranking(Strict):
    """The document of ``ranking --json``."""

    county = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    as_of = ma.fields.String(required=True)
    weights = ma.fields.List(ma.fields.Nested(Indicator), required=True)
    formula = ma.fields.String(required=True)
    townships = ma.fields.List(ma.fields.Nested(RankedTownship), required=True)
    group = ma.fields.String(metadata={"description": "the peer group ranked, when one was"})


class ErrorDetail(Strict):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    field = ma.fields.String(allow_none=True)
    line = ma.fields.Integer(allow_none=True)


class ErrorBody(ErrorDetail):
    errors = ma.fields.List(
        ma.fields.Nested(ErrorDetail), metadata={"description": "an import's bad lines"}
    )


class ErrorDocument(Strict):
    error = ma.fields.Nested(ErrorBody, required=True)
