"""A read model held in memory: for tests, and for the in-memory event store."""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from projections.figures import Fact
from projections.ledger import Changes, EveryoneLeads
from projections.since import Since, tally_changes


class InMemoryLedgerView:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self._position = 0
        self._facts: dict[str, list[Fact]] = defaultdict(list)
        self._by_entry: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        self._tallies: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)

    def position(self) -> int:
        return self._position

    def close(self) -> None:
        """Nothing to release."""

    def leadership(self) -> EveryoneLeads:
        return EveryoneLeads()

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
            self._position = position
            return True

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        return [
            f
            for f in self._facts.get(township, [])
            if (until is None or f.entry_occurred_on <= until)
            and (as_of is None or f.recorded_at <= as_of)
        ]

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

    def facts_since(self, townships: Sequence[str], moment: datetime, *, until: date) -> list[Fact]:
        found = [
            f
            for t in townships
            for f in self._facts.get(t, [])
            if f.recorded_at > moment and f.entry_occurred_on <= until
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

    def _covered(self, since: Since, after: int) -> Iterable[Fact]:
        for township in since.townships:
            for fact in self._facts.get(township, []):
                if fact.position > after and since.covers(fact):
                    yield fact

    def facts_of_type(self, township: str, type_: str) -> list[Fact]:
        return [f for f in self._facts.get(township, []) if f.type == type_]
