"""The API's documents of a county's data quality and a township's trends
(web/api/reading.py)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow.validate import OneOf as Enum

from domain.quality import RULES as QUALITY_RULES
from web.api.schemas import Strict


def _share() -> ma.fields.Float:
    return ma.fields.Float(metadata={"minimum": 0, "maximum": 1})


def _days() -> ma.fields.Integer:
    return ma.fields.Integer(strict=True)


class BackfilledRule(Strict):
    days = _days()
    above = _share()


class RushedRule(Strict):
    days = _days()
    above = _share()


class SameDayClosuresRule(Strict):
    min_closed = ma.fields.Integer(strict=True)
    above = _share()


class RetractionsRule(Strict):
    above = _share()


class QualityRules(Strict):
    """Data-quality rules' settings (docs/figures.md "Data quality"): any subset when set."""

    backfilled = ma.fields.Nested(BackfilledRule)
    rushed = ma.fields.Nested(RushedRule)
    same_day_closures = ma.fields.Nested(SameDayClosuresRule)
    retractions = ma.fields.Nested(RetractionsRule)


class CountyQualityRules(QualityRules):
    county = ma.fields.String(required=True)


class QualityFlag(Strict):
    rule = ma.fields.String(required=True, validate=Enum(QUALITY_RULES))
    value = ma.fields.Float(required=True)
    threshold = ma.fields.Dict(required=True)
    entries = ma.fields.List(ma.fields.String(), required=True)


class TownshipQuality(Strict):
    township = ma.fields.String(required=True)
    flags = ma.fields.List(ma.fields.Nested(QualityFlag), required=True)


class Quality(Strict):
    """Each township's data-quality flags for a period (docs/figures.md "Data quality")."""

    period = ma.fields.String(required=True)
    townships = ma.fields.List(ma.fields.Nested(TownshipQuality), required=True)


class TrendsQuery(Strict):
    from_ = ma.fields.Integer(required=True, data_key="from", metadata={"example": 2023})
    to = ma.fields.Integer(required=True, metadata={"example": 2024})
    figure = ma.fields.String(metadata={"example": "rates.mediation_success"})


class TrendCell(Strict):
    period = ma.fields.String(required=True)
    value = ma.fields.Float(
        allow_none=True, required=True, metadata={"description": "null: no data"}
    )
    previous = ma.fields.Float(
        allow_none=True,
        required=True,
        metadata={"description": "the value of the same period a year before"},
    )
    direction = ma.fields.String(
        validate=Enum(["up", "down", "same"]),
        allow_none=True,
        required=True,
        metadata={"description": "null: no comparison (either side has no data)"},
    )


class TrendFigure(Strict):
    figure = ma.fields.String(required=True)
    better = ma.fields.String(
        validate=Enum(["higher", "lower"]),
        allow_none=True,
        required=True,
        metadata={"description": "the county's ranking direction; null: not ranked by"},
    )
    values = ma.fields.List(ma.fields.Nested(TrendCell), required=True)


class Trends(Strict):
    """A township's figures over quarters and years (docs/figures.md "Trends")."""

    township = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    periods = ma.fields.List(ma.fields.String(), required=True)
    figures = ma.fields.List(ma.fields.Nested(TrendFigure), required=True)
