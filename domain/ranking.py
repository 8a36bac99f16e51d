"""County ranking: indicators, scores and shared ranks (DOMAIN.md "The county ranking").

A township's score is 100 × Σ(weight × value) / Σ(weight) over the indicators that have data
for it. A rate's value is its value (or 1 − value when lower is better). A count is scaled
across the county's townships: (v − min) / (max − min), or (max − v) / (max − min) when lower
is better, and 1 when all are equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.errors import InvalidField
from domain.figure_names import RANKABLE_COUNTS, RATES

RATE_NAMES = tuple(RATES)
DEFAULT_INDICATORS: tuple[dict[str, Any], ...] = tuple(
    {"figure": f"rates.{name}", "direction": "higher", "weight": 1} for name in RATE_NAMES
)
DIRECTIONS = ("higher", "lower")
FORMULA = "score = 100 × Σ(weight × value) / Σ(weight), over the indicators with data"


def check_indicators(indicators: Any) -> list[dict[str, Any]]:
    if not isinstance(indicators, list) or not indicators:
        raise InvalidField("indicators", "indicators.empty")
    clean = []
    for n, item in enumerate(indicators, start=1):
        where = f"indicators[{n}]"
        if not isinstance(item, dict) or set(item) - {"figure", "direction", "weight"}:
            raise InvalidField(where, "indicators.malformed")
        figure = item.get("figure")
        if not (
            isinstance(figure, str)
            and (figure.removeprefix("rates.") in RATE_NAMES or figure in RANKABLE_COUNTS)
        ):
            raise InvalidField(f"{where}.figure", "indicators.not_rankable", figure=figure)
        direction = item.get("direction", "higher")
        if direction not in DIRECTIONS:
            raise InvalidField(f"{where}.direction", "indicators.direction")
        weight = item.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
            raise InvalidField(f"{where}.weight", "indicators.weight")
        clean.append({"figure": figure, "direction": direction, "weight": weight})
    if len({i["figure"] for i in clean}) != len(clean):
        raise InvalidField("indicators", "indicators.repeated")
    return clean


@dataclass(frozen=True)
class Standing:
    township: str
    score: float | None
    indicators: dict[str, dict[str, Any]]
    rank: int | None = None


def score(
    indicators: Sequence[Mapping[str, Any]], values: Mapping[str, Mapping[str, float | None]]
) -> list[Standing]:
    """Standings of townships, best first. ``values[township][figure]`` is a rate's value
    (None: no data) or a count."""
    scaled = _scaled(indicators, values)
    standings = []
    for township in values:
        parts: dict[str, dict[str, Any]] = {}
        total = weights = 0.0
        for ind in indicators:
            figure, weight = ind["figure"], ind["weight"]
            value = scaled[township][figure]
            parts[figure] = {"value": values[township][figure], "scaled": value, "weight": weight}
            if value is not None:
                total += weight * value
                weights += weight
        result = round(100 * total / weights, 2) if weights else None
        standings.append(Standing(township, result, parts))
    return _ranked(standings)


def _scaled(indicators, values) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {t: {} for t in values}
    for ind in indicators:
        figure, lower = ind["figure"], ind["direction"] == "lower"
        column = {t: values[t][figure] for t in values}
        if figure.startswith("rates."):
            for t, v in column.items():
                out[t][figure] = None if v is None else (1 - v if lower else v)
            continue
        present = [v for v in column.values() if v is not None]
        low, high = (min(present), max(present)) if present else (0, 0)
        for t, v in column.items():
            if v is None:
                out[t][figure] = None
            elif high == low:
                out[t][figure] = 1.0
            else:
                share = (v - low) / (high - low)
                out[t][figure] = round(1 - share if lower else share, 6)
    return out


def _ranked(standings: list[Standing]) -> list[Standing]:
    ordered = sorted(standings, key=lambda s: (s.score is None, -(s.score or 0), s.township))
    ranked, previous, rank = [], None, 0
    for position, standing in enumerate(ordered, start=1):
        if standing.score is None:
            ranked.append(standing)
            continue
        if standing.score != previous:
            rank, previous = position, standing.score
        ranked.append(Standing(standing.township, standing.score, standing.indicators, rank))
    return ranked


def contributions(standing: Standing) -> dict[str, float | None]:
    """What each indicator added to a township's score ("why rank 7"): 100 × weight × value
    / Σ(weight over the indicators with data); None for an indicator without data."""
    parts = standing.indicators
    weights = sum(p["weight"] for p in parts.values() if p["scaled"] is not None)
    return {
        figure: None
        if p["scaled"] is None or not weights
        else round(100 * p["weight"] * p["scaled"] / weights, 2)
        for figure, p in parts.items()
    }
