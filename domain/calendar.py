"""The county's reporting calendar: for each year, the day its townships' annual reports are
due and the grace days after it; and the rules that read it (on time, or late).

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
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Deadline:
    """When a period's report is due: ``period`` a year (``2025``)."""

    period: str
    due: date
    grace_days: int = 0

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
    year, named once; due after the year ends; grace days a whole number from 0 to
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
        if not isinstance(period, str) or not _YEAR.fullmatch(period):
            raise InvalidField(f"{where}.period", "deadlines.period", got=str(period)[:40])
        values.year(f"{where}.period", int(period))
        due = values.deadline(f"{where}.due", item.get("due"))
        if due.year <= int(period):
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
