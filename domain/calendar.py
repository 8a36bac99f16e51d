"""The county's reporting calendar: for each year, the day its townships' annual reports are
due, and for each quarter the day its record is due (a ``quarter_submitted``), with the grace
days after it; and the rules that read it (on time, or late).

A report is on time when it was first submitted (recorded) on or before its last day, the due
day plus the grace days, both read as business days of the installation's time zone: a
submission at 23:30 Beijing time on the due day is on time, one at 00:30 the next day is late.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from domain import values
from domain.errors import InvalidField
from domain.moments import local_day

MAX_GRACE_DAYS = 366
MAX_DEADLINES = 100  # periods set at once
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4]))?$")


@dataclass(frozen=True)
class Deadline:
    """When a period's report is due: ``period`` a year (``2025``) or a quarter (``2025-Q2``)."""

    period: str
    due: date
    grace_days: int = 0

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def quarter(self) -> int | None:
        """The quarter (1–4) of a quarter's deadline; None for a year's."""
        return int(self.period[-1]) if "-Q" in self.period else None

    @property
    def last_day(self) -> date:
        """The last business day a submission is on time."""
        return self.due + timedelta(days=self.grace_days)

    def on_time(self, submitted_at: datetime) -> bool:
        return local_day(submitted_at) <= self.last_day

    def passed(self, moment: datetime) -> bool:
        """Is ``moment`` after the last day (a report not submitted by then is late)?"""
        return local_day(moment) > self.last_day

    def document(self) -> dict[str, Any]:
        return {"period": self.period, "due": self.due.isoformat(), "grace_days": self.grace_days}

    @classmethod
    def stored(cls, kept: dict[str, Any]) -> Deadline:
        """A deadline as the county's event keeps it (the due day as ISO text)."""
        return cls(kept["period"], date.fromisoformat(kept["due"]), kept["grace_days"])


def check_deadlines(deadlines: Any) -> list[dict[str, Any]]:
    """Deadlines as given (``[{"period", "due", "grace_days"}]``), checked: each period a
    year (``2025``) or a quarter (``2025-Q1`` … ``2025-Q4``), named once; due after the
    period ends; grace days a whole number from 0 to
    ``MAX_GRACE_DAYS``. Returned as the county's event keeps them (the due day as text)."""
    if not isinstance(deadlines, list) or not deadlines:
        raise InvalidField("deadlines", "deadlines.empty")
    if len(deadlines) > MAX_DEADLINES:
        raise InvalidField("deadlines", "list.too_long", most=MAX_DEADLINES, length=len(deadlines))
    clean = []
    for n, item in enumerate(deadlines, start=1):
        where = f"deadlines[{n}]"
        if not isinstance(item, dict) or set(item) - {"period", "due", "grace_days"}:
            raise InvalidField(where, "deadlines.malformed")
        period = item.get("period")
        found = _PERIOD.fullmatch(period) if isinstance(period, str) else None
        if found is None:
            raise InvalidField(f"{where}.period", "deadlines.period", got=str(period)[:40])
        values.year(f"{where}.period", int(found[1]))
        due = values.deadline(f"{where}.due", item.get("due"))
        if due <= period_end(period):
            raise InvalidField(f"{where}.due", "deadlines.due_in_period", period=period)
        grace = values.count(f"{where}.grace_days", item.get("grace_days", 0))
        if grace > MAX_GRACE_DAYS:
            raise InvalidField(
                f"{where}.grace_days", "value.too_large", most=MAX_GRACE_DAYS, got=grace
            )
        clean.append(Deadline(period, due, grace).document())
    if len({d["period"] for d in clean}) != len(clean):
        raise InvalidField("deadlines", "deadlines.repeated")
    return clean


def period_end(period: str) -> date:
    """The last day of a calendar's period (a year, or a quarter of it)."""
    year = int(period[:4])
    if "-Q" not in period:
        return date(year, 12, 31)
    following = 3 * int(period[-1]) + 1  # the first month after the quarter
    return date(year + (following > 12), (following - 1) % 12 + 1, 1) - timedelta(days=1)


def calendar_at(
    history: Iterable[tuple[datetime, list[dict[str, Any]]]], moment: datetime | None = None
) -> dict[str, Deadline]:
    """The deadline of each period in force at ``moment`` (now when None): each change sets
    the periods it names; the others keep theirs."""
    found: dict[str, Deadline] = {}
    for recorded_at, deadlines in history:
        if moment is None or recorded_at <= moment:
            found.update((d["period"], Deadline.stored(d)) for d in deadlines)
    return dict(sorted(found.items()))
