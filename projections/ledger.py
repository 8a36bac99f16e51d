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

TallyKey = tuple[str, str]  # township, period


@dataclass
class Changes:
    facts: list[Fact] = field(default_factory=list)
    # What the page adds to each township's period figures, by figure name (0: no change).
    tallies: dict[TallyKey, dict[str, int]] = field(default_factory=dict)


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
        facts = changes.facts
        entries = self.entries
        before: dict[tuple[str, str], tuple[EntryState, dict[str, int]]] = {}
        for position, event in events:
            if not isinstance(event, Entry.Event):
                continue
            key = (event.township, event.entry_id)
            if isinstance(event, Entry.Recorded):
                fact = _fact(position, event, event.TYPE, event.occurred_on)
                entry = entries[key] = EntryState.created_by(fact)
                before[key] = (entry, {})
            else:
                entry = self._state(key)
                if key not in before:
                    before[key] = (entry, tallied(entry))
                fact = _fact(position, event, entry.type, entry.occurred_on)
                entry.apply(fact)
            facts.append(fact)
        # Sum the entries' changes per township and month first, then spread each sum over
        # its month, quarter and year: far fewer updates than per entry and period.
        by_month: dict[tuple[str, date], dict[str, int]] = {}
        for entry, was in before.values():
            now = tallied(entry)
            if now == was:
                continue
            total = by_month.setdefault((entry.township, entry.occurred_on.replace(day=1)), {})
            for name, value in now.items():
                total[name] = total.get(name, 0) + value
            for name, value in was.items():
                total[name] = total.get(name, 0) - value
        tallies = changes.tallies
        for (township, month), total in by_month.items():
            for period in period_keys(month):
                row = tallies.setdefault((township, period), {})
                for name, delta in total.items():
                    if delta:
                        row[name] = row.get(name, 0) + delta
        if len(entries) > self.cache_size:
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
    return Fact(  # in Fact's field order: positional arguments cost less, page after page
        position,
        event.township,
        event.entry_id,
        entry_type,
        entry_occurred_on,
        event.TYPE,
        event.occurred_on,
        event.timestamp,
        event.actor,
        event.payload(),
    )
