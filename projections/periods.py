"""Reporting periods: a year ``2024``, a quarter ``2024-Q1`` or a month ``2024-03``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from domain.errors import InvalidField
from domain.values import FIRST_DAY, last_year

_PATTERN = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PATTERN.match(text or "")
        if not match:
            raise InvalidField("period", "period.malformed", got=text)
        year, quarter, month = match.groups()
        y = int(year)
        if y < FIRST_DAY.year:
            raise InvalidField("period", "period.too_early", first=FIRST_DAY.year, got=text)
        if y > last_year():  # nothing can be recorded for it (and 9999-12 has no day after)
            raise InvalidField("period", "period.too_late", last=last_year(), got=text)
        if quarter:
            first = 3 * (int(quarter) - 1) + 1
            return cls(text, date(y, first, 1), _month_end(y, first + 2))
        if month:
            return cls(text, date(y, int(month), 1), _month_end(y, int(month)))
        return cls(text, date(y, 1, 1), date(y, 12, 31))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


@cache
def month_periods(year: int, month: int) -> tuple[str, str, str]:
    """The keys of a month's year, quarter and month."""
    return (f"{year}", f"{year}-Q{(month - 1) // 3 + 1}", f"{year}-{month:02d}")
