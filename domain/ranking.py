"""County ranking: indicators, scores and shared ranks (DOMAIN.md "The county ranking").

A township's score is 100 × Σ(weight × value) / Σ(weight) over the indicators that have data
for it. A rate's value is its value (or 1 − value when lower is better). A count is scaled
across the county's townships: (v − min) / (max − min), or (max − v) / (max − min) when lower
is better, and 1 when all are equal.

A weight is a number greater than 0 and at most ``MAX_WEIGHT``, so every sum is finite. A
history recorded before that rule may hold others; a ranking counts them as ``counted``
says, so that no score is ever NaN or infinite.
"""

from __future__ import annotations

import math
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
MAX_WEIGHT = 1000  # a weight out of a thousand points (千分制) at most


def check_indicators(indicators: Any, field: str = "indicators") -> list[dict[str, Any]]:
    """The indicators checked; a refusal names ``field`` (a peer group's: ``groups[1].
    indicators``) and the item (``indicators[2].weight``)."""
    if not isinstance(indicators, list) or not indicators:
        raise InvalidField(field, "indicators.empty")
    clean = []
    for n, item in enumerate(indicators, start=1):
        where = f"{field}[{n}]"
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
        if not _allowed(weight):  # NaN and infinity are not, nor is 1e308
            raise InvalidField(f"{where}.weight", "indicators.weight", most=MAX_WEIGHT)
        clean.append({"figure": figure, "direction": direction, "weight": weight})
    if len({i["figure"] for i in clean}) != len(clean):
        raise InvalidField(field, "indicators.repeated")
    return clean


def _allowed(weight: Any) -> bool:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return False
    return 0 < weight <= MAX_WEIGHT  # False for NaN; an int of any size compares exactly


def counted(indicators: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The indicators as a ranking counts them: each weight as recorded when it is a number
    greater than 0 that a float holds, else 0 (the indicator then counts in no score). Only a
    history recorded before the weights' rules holds such a weight (infinity, NaN, 1e400)."""
    return [{**ind, "weight": _counted_weight(ind.get("weight"))} for ind in indicators]


def _counted_weight(weight: Any) -> int | float:
    if isinstance(weight, bool) or not isinstance(weight, int | float):
        return 0
    try:
        usable = math.isfinite(float(weight)) and weight > 0
    except OverflowError:  # an int beyond any float
        usable = False
    return weight if usable else 0


def _shares(indicators: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Each indicator's weight as the sums use it: the weight itself, or, when an old history
    holds weights past ``MAX_WEIGHT``, its share of the largest (the same scores, whose sums
    cannot overflow as 1e308 × 5 did)."""
    weights = {ind["figure"]: float(ind["weight"]) for ind in indicators}
    largest = max(weights.values(), default=0.0)
    scale = largest if largest > MAX_WEIGHT else 1.0
    return {figure: weight / scale for figure, weight in weights.items()}


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
    indicators = counted(indicators)
    scaled, shares = _scaled(indicators, values), _shares(indicators)
    standings = []
    for township in values:
        parts: dict[str, dict[str, Any]] = {}
        total = weights = 0.0
        for ind in indicators:
            figure, weight = ind["figure"], ind["weight"]
            value = scaled[township][figure]
            parts[figure] = {"value": values[township][figure], "scaled": value, "weight": weight}
            if value is not None and shares[figure]:
                total += shares[figure] * value
                weights += shares[figure]
        standings.append(Standing(township, _score(total, weights), parts))
    return _ranked(standings)


def _score(total: float, weights: float) -> float | None:
    """100 × total / weights with two decimals; None (no data) without weights, or where the
    result would not be a number (it cannot be, with counted weights: kept as the last word)."""
    result = round(100 * total / weights, 2) if weights else None
    return result if result is None or math.isfinite(result) else None


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
    shares = _shares([{"figure": f, "weight": p["weight"]} for f, p in parts.items()])
    weights = sum(shares[f] for f, p in parts.items() if p["scaled"] is not None)
    return {
        figure: None
        if p["scaled"] is None or not weights
        else round(100 * shares[figure] * p["scaled"] / weights, 2)
        for figure, p in parts.items()
    }
