"""The ledger projection: township entry events -> facts and live tallies, tracked.

``LedgerView`` is the read model in three parts: its storage (``ViewStorage``, written by the
projection), its queries (``ViewQueries``, asked by the services) and the projection workers'
coordination (SQL in ``infra.read_model``, a plain in-memory one in ``projections.memory``).
Every page of events is committed with its position in one transaction; a projection never
skips an event, and a failing one stops.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from domain.entry import Entry
from projections.figures import EntryState, Fact, fold, tallied
from projections.periods import month_periods
from projections.since import Since

TallyKey = tuple[str, str]  # township, period
# Events between snapshots of the tallies (a ranking as of a moment starts from the last one
# before it: projections/as_of.py), taken at the end of the page that passes a multiple.
SNAPSHOT_EVERY = 5_000


@dataclass
class Changes:
    facts: list[Fact] = field(default_factory=list)
    # What the page adds to each township's period figures, by figure name (0: no change).
    tallies: dict[TallyKey, dict[str, int]] = field(default_factory=dict)


class ViewStorage(Protocol):
    """Where the projection stores the read model: a page of facts and tallies committed with
    its position, and an entry's facts read back (the projection's cache misses)."""

    def position(self) -> int: ...

    def commit(self, changes: Changes, *, since: int, position: int) -> bool:
        """Store the changes and move the position from ``since`` to ``position`` atomically;
        False (and nothing stored) when another worker moved the position first."""

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]: ...

    def reset(self) -> None:
        """Forget everything, back to position 0 (to rebuild)."""

    def writer(self) -> PageWriter | None:
        """Something that commits pages in the background, for long catch-ups (None: none)."""

    def close(self) -> None:
        """Release connections."""


class ViewQueries(Protocol):
    """What the read model answers (services ask it through ``services.read_model.ReadModel``,
    never directly); on PostgreSQL these may read a streaming replica."""

    def position(self) -> int: ...

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        """A township's facts in log order: entries of business dates up to ``until``,
        recorded up to ``as_of``."""

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]: ...

    def facts_after(self, township: str, position: int) -> list[Fact]:
        """A township's facts after a position of the log, in log order."""

    def facts_since(self, townships: Sequence[str], moment: datetime, *, until: date) -> list[Fact]:
        """The townships' facts recorded after ``moment``, of entries of business dates up to
        ``until``, in log order."""

    def facts_of_entries(self, keys: Iterable[tuple[str, str]]) -> list[Fact]:
        """Every fact of the entries ``keys`` (township, entry id), in log order."""

    def period_facts(
        self,
        townships: Sequence[str],
        start: date,
        end: date,
        *,
        as_of: datetime | None,
        payloads: Collection[str] = (),
    ) -> list[Fact]:
        """The townships' facts of entries of business dates from ``start`` to ``end``,
        recorded up to ``as_of`` (None: all), in log order (data quality's one read); only
        the events of the types ``payloads`` carry their payload (the others an empty one,
        and no actor: what is not read is not fetched)."""

    def changes(self, since: Since, *, after: int = 0, limit: int | None = None) -> list[Fact]:
        """The facts ``since`` covers, in log order: those after position ``after``, at most
        ``limit`` of them (None: all)."""

    def change_counts(self, since: Since) -> dict[str, dict[str, int]]:
        """How many facts ``since`` covers, by township: ``{"recorded", "retracted"}``
        (townships without any left out)."""

    def changed_townships(self, since: Since) -> set[str]:
        """The townships of ``since`` that have a fact it covers (a read of the few facts
        after a position: by position, not by township)."""

    def facts_of_type(self, township: str, type_: str) -> list[Fact]:
        """A township's facts of one event type (``report_submitted``), in log order."""

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        """Current counts per township for a period (only ``names``, when given)."""

    def mark_before(self, moment: datetime) -> int | None:
        """The position of the last snapshot of the tallies whose events were all recorded by
        ``moment`` (None: none)."""

    def tallies_at(
        self, townships: Sequence[str], period: str, names: Sequence[str], position: int
    ) -> dict[str, Counter[str]]:
        """The counts ``names`` per township for a period as the snapshot at ``position``
        holds them."""

    def facts_between(
        self, townships: Sequence[str], position: int, moment: datetime, *, until: date
    ) -> list[Fact]:
        """The townships' facts after ``position`` recorded by ``moment``, of entries of
        business dates up to ``until``, in log order."""

    def tally_periods(self, township: str) -> list[str]:
        """The periods a township has tallies for (for ``verify``'s comparison)."""

    def township_tallies(self, township: str, periods: Sequence[str]) -> dict[str, Counter[str]]:
        """A township's current counts in each of ``periods`` (its trends), in one read."""

    def close(self) -> None:
        """Release connections."""


@dataclass(frozen=True)
class LedgerView:
    """One read model, in its three parts: its storage (the projection's), its queries (the
    services'), and the coordination of the projection workers that follow one database
    (``leadership()``: which of them projects)."""

    storage: ViewStorage
    queries: ViewQueries
    leadership: Callable[[], Leadership]

    def close(self) -> None:
        self.storage.close()
        if self.queries is not self.storage:
            self.queries.close()


class Leadership(Protocol):
    """Asked before each poll of a projection worker: True while this worker is the one that
    projects; the others wait, and one takes over when the leader stops or dies. (Two workers
    projecting at once would still be correct, the position's compare-and-set sees to that;
    they would only do every page twice.)"""

    def __call__(self) -> bool: ...

    def release(self) -> None: ...


class EveryoneLeads:
    """A view no other process can reach (in memory): whoever asks leads."""

    def __call__(self) -> bool:
        return True

    def release(self) -> None:
        pass


class PageWriter(Protocol):
    """Commits pages as ``LedgerView.commit`` does, one in flight: ``send`` a page, compute
    the next, then wait for the ``result`` of the one sent (False: the position had moved)."""

    def send(self, changes: Changes, *, since: int, position: int) -> None: ...

    def result(self) -> bool: ...


class LedgerProjection:
    def __init__(
        self, view: ViewStorage, cache_size: int = 500_000, idle_cache_size: int = 20_000
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
        page touches adds its contribution now less its contribution before the page.
        (Run for every event of a rebuild: written for speed, a little.)"""
        changes = Changes()
        facts = changes.facts
        entries = self.entries
        before: dict[tuple[str, str], tuple[EntryState, dict[str, int]]] = {}
        for position, event in events:
            creates = _creates(type(event))
            if creates is None:  # not a township entry's event
                continue
            key = (event.township, event.entry_id)
            type_, day, at, actor = event.TYPE, event.occurred_on, event.timestamp, event.actor
            payload = event.payload()
            if creates:
                entry = entries[key] = EntryState(*key, type_, day, at, payload)
                before[key] = (entry, NOTHING)
                fact = Fact(position, *key, type_, day, type_, day, at, actor, payload)
            else:
                entry = self._state(key)
                if key not in before:
                    before[key] = (entry, tallied(entry))
                entry_type, entry_day = entry.type, entry.occurred_on
                fact = Fact(position, *key, entry_type, entry_day, type_, day, at, actor, payload)
                entry.apply(fact)
            facts.append(fact)
        # Sum the entries' changes per township and month first, then spread each sum over
        # its month, quarter and year: far fewer updates than per entry and period.
        by_month: dict[tuple[str, int, int], dict[str, int]] = {}
        for entry, was in before.values():
            now = tallied(entry)
            if now == was:
                continue
            day = entry.occurred_on
            total = by_month.setdefault((entry.township, day.year, day.month), {})
            for name, value in now.items():
                total[name] = total.get(name, 0) + value
            for name, value in was.items():
                total[name] = total.get(name, 0) - value
        tallies = changes.tallies
        for (township, year, month), total in by_month.items():
            for period in month_periods(year, month):
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


NOTHING: dict[str, int] = {}  # what a new entry counted before (never changed)


@cache
def _creates(event_class: type) -> bool | None:
    """Whether events of a class create an entry; None when they are no entry's events."""
    if not issubclass(event_class, Entry.Event):
        return None
    return issubclass(event_class, Entry.Recorded)
