"""Entries as a township's lists show them: open or closed, overdue, filtered and paged."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from projections.figures import EntryState, is_overdue

# An entry that waits for a follow-up is open until the follow-up that settles it arrives.
SETTLED_BY = {
    "issue_found": lambda f: f.type == "issue_rectified",
    "dispute_registered": lambda f: (
        f.type == "dispute_mediated" and f.payload["outcome"] == "resolved"
    ),
    "hotline_case_received": lambda f: f.type == "hotline_case_answered",
    "report_submitted": lambda f: f.type == "report_accepted",
}


@dataclass(frozen=True)
class EntrySummary:
    entry_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    open: bool
    overdue: bool
    retracted: bool
    deadline: str | None


@dataclass(frozen=True)
class Filters:
    type: str | None = None
    since: date | None = None  # business dates from
    until: date | None = None  # business dates to
    open: bool | None = None  # only open (True) or closed (False) entries


def is_open(entry: EntryState) -> bool:
    settled = SETTLED_BY.get(entry.type)
    if settled is None or entry.retracted_at is not None:
        return False
    return not any(settled(f) for f in entry.follow_ups)


def summary(entry: EntryState, now: datetime) -> EntrySummary:
    deadline = entry.payload.get("deadline") if entry.type == "issue_found" else None
    return EntrySummary(
        entry.entry_id,
        entry.type,
        entry.occurred_on,
        entry.recorded_at,
        is_open(entry),
        entry.retracted_at is None and is_overdue(entry, now),
        entry.retracted_at is not None,
        str(deadline) if deadline else None,
    )


def select(states: Iterable[EntryState], filters: Filters, now: datetime) -> list[EntrySummary]:
    """The entries the filters keep, the latest business date first."""
    return [summary(s, now) for s in chosen(states, filters)]


def chosen(states: Iterable[EntryState], filters: Filters) -> list[EntryState]:
    """The entries the filters keep, the latest business date first, as they are (a page
    summarizes only the ones it shows: a township's history holds thousands)."""
    kept = [
        s
        for s in states
        if (filters.type is None or s.type == filters.type)
        and (filters.since is None or s.occurred_on >= filters.since)
        and (filters.until is None or s.occurred_on <= filters.until)
        and (filters.open is None or is_open(s) is filters.open)
    ]
    kept.sort(key=lambda s: (s.occurred_on, s.recorded_at, s.entry_id), reverse=True)
    return kept
