"""The ledger projection: township entry events -> facts and live tallies, tracked.

``LedgerView`` is the read model's storage interface (SQL in ``infra.read_model``, a plain
in-memory one here for tests). Every page of events is committed with its position in one
transaction; a projection never skips an event, and a failing one stops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from domain.entry import Entry
from projections.figures import EntryState, Fact, fold, tallied
from projections.periods import period_keys

TallyKey = tuple[str, str, str]  # township, period, figure name


@dataclass
class Changes:
    facts: list[Fact] = field(default_factory=list)
    tallies: Counter[TallyKey] = field(default_factory=Counter)


class LedgerView(Protocol):
    def position(self) -> int: ...

    def commit(self, changes: Changes, *, since: int, position: int) -> bool:
        """Store the changes and move the position from ``since`` to ``position`` atomically;
        False (and nothing stored) when another worker moved the position first."""

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        """A township's facts in log order: entries of business dates up to ``until``,
        recorded up to ``as_of``."""

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]: ...

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        """Current counts per township for a period (only ``names``, when given)."""

    def reset(self) -> None:
        """Forget everything, back to position 0 (to rebuild)."""

    def close(self) -> None:
        """Release connections."""


class LedgerProjection:
    def __init__(
        self, view: LedgerView, cache_size: int = 500_000, idle_cache_size: int = 20_000
    ) -> None:
        self.view = view
        self.cache_size = cache_size
        self.idle_cache_size = idle_cache_size
        self.entries: dict[tuple[str, str], EntryState] = {}  # by (township, entry id)
        self.position: int | None = None  # the view position the cached states reflect

    def forget(self) -> None:
        """Drop cached entry states (another worker may have moved the view on)."""
        self.entries.clear()
        self.position = None

    def idle(self) -> None:
        """Caught up: keep few cached states, so that a process that has rebuilt a large
        view does not carry (and garbage-collect) them all while it serves queries."""
        if len(self.entries) > self.idle_cache_size:
            self.entries.clear()

    def resume(self, position: int) -> None:
        """Continue from the view's ``position``: cached states reflect only the events this
        projection committed itself, so they are dropped when another worker moved the view."""
        if position != self.position:
            self.forget()
            self.position = position

    def changes(self, events: Iterable[tuple[int, Any]]) -> Changes:
        """The facts of a page of events, and what they change in the tallies: each entry the
        page touches adds its contribution now less its contribution before the page."""
        changes = Changes()
        before: dict[tuple[str, str], tuple[EntryState, Counter[str]]] = {}
        for position, event in events:
            if not isinstance(event, Entry.Event):
                continue
            key = (event.township, event.entry_id)
            if isinstance(event, Entry.Recorded):
                fact = _fact(position, event, event.TYPE, event.occurred_on)
                entry = self.entries[key] = EntryState.created_by(fact)
                before.setdefault(key, (entry, Counter()))
            else:
                entry = self._state(key)
                if key not in before:
                    before[key] = (entry, tallied(entry))
                fact = _fact(position, event, entry.type, entry.occurred_on)
                entry.apply(fact)
            changes.facts.append(fact)
        # Sum the entries' changes per township and month first, then spread each sum over
        # its month, quarter and year: far fewer updates than per entry and period.
        by_month: dict[tuple[str, date], Counter[str]] = {}
        for entry, was in before.values():
            month = (entry.township, entry.occurred_on.replace(day=1))
            total = by_month.setdefault(month, Counter())
            total.update(tallied(entry))
            total.subtract(was)
        for (township, month), total in by_month.items():
            for period in period_keys(month):
                for name, delta in total.items():
                    if delta:
                        changes.tallies[(township, period, name)] += delta
        if len(self.entries) > self.cache_size:
            self.forget()
        return changes

    def _state(self, key: tuple[str, str]) -> EntryState:
        if key not in self.entries:
            states = fold(self.view.entry_facts(*key))
            if key not in states:
                raise LookupError(f"a follow-up of entry {key}, which the view lacks")
            self.entries[key] = states[key]
        return self.entries[key]


def _fact(position: int, event: Entry.Event, entry_type: str, entry_occurred_on: date) -> Fact:
    return Fact(
        position=position,
        township=event.township,
        entry_id=event.entry_id,
        entry_type=entry_type,
        entry_occurred_on=entry_occurred_on,
        type=event.TYPE,
        occurred_on=event.occurred_on,
        recorded_at=event.timestamp,
        actor=event.actor,
        payload=event.payload(),
    )
