"""Data quality's rules (issue 22 item 3): what the county may set for each, their defaults,
and the default due day of a period. docs/figures.md "Data quality" states each rule.

A county sets any subset of the rules' settings (``check_rules``); the others keep their
values (``in_force``: the defaults, then each setting recorded, in order).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from domain.errors import InvalidField

BACKFILLED, RUSHED, SAME_DAY_CLOSURES, RETRACTIONS = (
    "backfilled",
    "rushed",
    "same_day_closures",
    "retractions",
)
RULES = (BACKFILLED, RUSHED, SAME_DAY_CLOSURES, RETRACTIONS)
DEFAULT_RULES: dict[str, dict[str, int | float]] = {
    BACKFILLED: {"days": 30, "above": 0.2},
    RUSHED: {"days": 7, "above": 0.5},
    SAME_DAY_CLOSURES: {"min_closed": 20, "above": 0.9},
    RETRACTIONS: {"above": 0.1},
}
MOST_DAYS = 366  # a backfill allowance or a rush window of at most a year
MOST_CLOSED = 100_000
DUE_DAY_OF_MONTH = 15  # the default due day: this day of the month after the period ends


def check_rules(given: Any) -> dict[str, dict[str, int | float]]:
    """The settings given (any subset of each rule's), checked; a refusal names the field
    (``backfilled.days``)."""
    if not isinstance(given, Mapping) or not given:
        raise InvalidField("rules", "quality.empty", allowed=", ".join(RULES))
    clean: dict[str, dict[str, int | float]] = {}
    for rule, settings in given.items():
        if rule not in DEFAULT_RULES:
            raise InvalidField(str(rule), "quality.unknown_rule", allowed=", ".join(RULES))
        allowed = DEFAULT_RULES[rule]
        if not isinstance(settings, Mapping) or not settings:
            raise InvalidField(rule, "quality.malformed", allowed=", ".join(allowed))
        clean[rule] = {}
        for name, value in settings.items():
            where = f"{rule}.{name}"
            if name not in allowed:
                raise InvalidField(where, "quality.malformed", allowed=", ".join(allowed))
            clean[rule][name] = _setting(where, name, value)
    return clean


def _setting(where: str, name: str, value: Any) -> int | float:
    if name == "above":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise InvalidField(where, "quality.share", got=value)
        return value
    most = MOST_CLOSED if name == "min_closed" else MOST_DAYS
    least = 0 if name == "days" and where.startswith(BACKFILLED) else 1
    if isinstance(value, bool) or not isinstance(value, int) or not least <= value <= most:
        raise InvalidField(where, "quality.whole", least=least, most=most, got=value)
    return value


def in_force(settings: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """The rules in force after ``settings`` (each as recorded, in order) over the defaults."""
    rules = {rule: dict(values) for rule, values in DEFAULT_RULES.items()}
    for setting in settings:
        for rule, values in setting.items():
            rules[rule].update(values)
    return rules


def default_due_day(end: date) -> date:
    """The due day of a period ending on ``end`` when its county has set none: the 15th day of
    the month after (2025 -> 2026-01-15; 2025-Q2 -> 2025-07-15)."""
    following = end + timedelta(days=1)
    return following.replace(day=DUE_DAY_OF_MONTH)
