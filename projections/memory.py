"""A read model held in memory: for tests, and for the in-memory event store."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime

from projections.figures import Fact
from projections.ledger import SNAPSHOT_EVERY, Changes, EveryoneLeads, LedgerView
from projections.since import Since, tally_changes


def in_memory_view() -> LedgerView:
    """A read model in this process's memory: its storage and its queries one object, and
    no other worker to coordinate with."""
    view = InMemoryLedgerView()
    return LedgerView(storage=view, queries=view, leadership=EveryoneLeads)


class InMemoryLedgerView:
    """Storage and queries both (``ViewStorage``, ``ViewQueries``); its tallies' snapshots
    every ``snapshot_every`` events, as the SQL read model takes them."""

    snapshot_every = SNAPSHOT_EVERY

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._position = 0
        self._facts: dict[str, list[Fact]] = defaultdict(list)
        self._by_entry: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        self._tallies: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self._changed: set[tuple[str, str]] = set()  # tally rows changed since the snapshot
        self._snapshots: dict[tuple[str, str], list[tuple[int, Counter[str]]]] = {}
        self._marks: list[tuple[int, datetime]] = []  # (position, last recording moment)
        self._recorded: datetime | None = None  # the last recording moment so far

    def position(self) -> int:
        return self._position

    def close(self) -> None:
        """Nothing to release."""

    def writer(self) -> None:
        """Commits here are a few dictionary updates: nothing to do in the background."""

    def commit(self, changes: Changes, *, since: int, position: int) -> bool:
        with self._lock:
            if self._position != since:
                return False
            for fact in changes.facts:
                self._facts[fact.township].append(fact)
                self._by_entry[(fact.township, fact.entry_id)].append(fact)
            for key, deltas in changes.tallies.items():
                self._tallies[key].update(deltas)
                self._changed.add(key)
            moments = [f.recorded_at for f in changes.facts]
            if self._recorded is not None:
                moments.append(self._recorded)
            self._recorded = max(moments, default=None)
            if position // self.snapshot_every > since // self.snapshot_every:
                for key in self._changed:
                    self._snapshots.setdefault(key, []).append((position, +self._tallies[key]))
                self._changed = set()
                if self._recorded is not None:
                    self._marks.append((position, self._recorded))
            self._position = position
            return True

    def mark_before(self, moment: datetime) -> int | None:
        found = [position for position, recorded in self._marks if recorded <= moment]
        return max(found, default=None)

    def tallies_at(
        self, townships: Sequence[str], period: str, names: Sequence[str], position: int
    ) -> dict[str, Counter[str]]:
        found: dict[str, Counter[str]] = {}
        for township in townships:
            taken = [c for p, c in self._snapshots.get((township, period), []) if p <= position]
            last = taken[-1] if taken else Counter()
            found[township] = Counter({n: last[n] for n in names if last[n]})
        return found

    def facts_between(
        self, townships: Sequence[str], position: int, moment: datetime, *, until: date
    ) -> list[Fact]:
        found = [
            f
            for t in townships
            for f in self._facts.get(t, [])
            if f.position > position and f.recorded_at <= moment and f.entry_occurred_on <= until
        ]
        return sorted(found, key=lambda f: f.position)

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        return [
            f
            for f in self._facts.get(township, [])
            if (until is None or f.entry_occurred_on <= until)
            and (as_of is None or f.recorded_at <= as_of)
        ]

    def facts_after(self, township: str, position: int) -> list[Fact]:
        return [f for f in self._facts.get(township, []) if f.position > position]

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]:
        return list(self._by_entry.get((township, entry_id), []))

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        found = {t: +self._tallies.get((t, period), Counter()) for t in townships}
        if names is not None:
            found = {t: Counter({n: c[n] for n in names if c[n]}) for t, c in found.items()}
        return found

    def tally_periods(self, township: str) -> list[str]:
        return [p for t, p in self._tallies if t == township]

    def township_tallies(self, township: str, periods: Sequence[str]) -> dict[str, Counter[str]]:
        return {p: +self._tallies.get((township, p), Counter()) for p in periods}

    def facts_since(self, townships: Sequence[str], moment: datetime, *, until: date) -> list[Fact]:
        found = [
            f
            for t in townships
            for f in self._facts.get(t, [])
            if f.recorded_at > moment and f.entry_occurred_on <= until
        ]
        return sorted(found, key=lambda f: f.position)

    def period_facts(
        self,
        townships: Sequence[str],
        start: date,
        end: date,
        *,
        as_of: datetime | None,
        payloads: Collection[str] = (),
    ) -> list[Fact]:
        found = [
            f if f.type in payloads else f._replace(actor="", payload={})
            for t in townships
            for f in self._facts.get(t, [])
            if start <= f.entry_occurred_on <= end and (as_of is None or f.recorded_at <= as_of)
        ]
        return sorted(found, key=lambda f: f.position)

    def facts_of_entries(self, keys: Iterable[tuple[str, str]]) -> list[Fact]:
        found = [f for key in keys for f in self._by_entry.get(key, [])]
        return sorted(found, key=lambda f: f.position)

    def changes(self, since: Since, *, after: int = 0, limit: int | None = None) -> list[Fact]:
        found = sorted(self._covered(since, after), key=lambda f: f.position)
        return found if limit is None else found[:limit]

    def change_counts(self, since: Since) -> dict[str, dict[str, int]]:
        return tally_changes(list(self._covered(since, 0)))

    def changed_townships(self, since: Since) -> set[str]:
        return {fact.township for fact in self._covered(since, 0)}

    def _covered(self, since: Since, after: int) -> Iterable[Fact]:
        for township in since.townships:
            for fact in self._facts.get(township, []):
                if fact.position > after and since.covers(fact):
                    yield fact

    def facts_of_type(self, township: str, type_: str) -> list[Fact]:
        return [f for f in self._facts.get(township, []) if f.type == type_]
