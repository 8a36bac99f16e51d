"""What changed since a point of the log (``projections.since.Since``), kept by this process
between pages: its counts, and the first page of its entries. The restatement notice and the
auditor's as-of pages show both; after a late import they cover tens of thousands of facts,
which a query counts anew each time. Kept, they are brought up to date with the facts
projected since (a query of what is new), like a township's current entries
(services/current_entries.py).

The log only grows: facts projected later have later positions, so a count grows by what came
after, and a page that was full stays as it was. The read model starting again from zero (a
rebuild) drops everything kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from projections.figures import Fact
from projections.since import Since

KEPT = 256  # counts and pages a process keeps (a few per publication or moment asked about)

Counts = dict[str, dict[str, int]]


class KeptChanges:
    def __init__(
        self,
        position: Callable[[], int],
        counts: Callable[[Since], Counts],
        changes: Callable[..., list[Fact]],
        kept: int = KEPT,
    ) -> None:
        """``position``: the read model's; ``counts(since)`` and ``changes(since, after=,
        limit=)``: the read model's queries."""
        self._position = position
        self._counts = counts
        self._changes = changes
        self._kept: OrderedDict[tuple, tuple[int, Any]] = OrderedDict()
        self._most = kept
        self._lock = threading.Lock()

    def counts(self, since: Since) -> Counts:
        """How many facts ``since`` covers, by township (``{"recorded", "retracted"}``)."""
        now = self._position()
        seen, kept = self._get(("counts", since), now) or (0, {})
        if seen < now:
            kept = _added(kept, self._counts(self._between(since, seen, now)))
            self._put(("counts", since), now, kept)
        return {t: dict(c) for t, c in kept.items()}

    def changes(self, since: Since, *, after: int = 0, limit: int | None = None) -> list[Fact]:
        """The first ``limit`` facts ``since`` covers after position ``after``, in log order
        (``limit`` None: all of them, read anew: the command line's file)."""
        if limit is None:
            return self._changes(since, after=after, limit=None)
        key = ("changes", since, after, limit)
        now = self._position()
        seen, kept = self._get(key, now) or (0, [])
        if seen < now and len(kept) < limit:
            start = max(seen, after, kept[-1].position if kept else 0)
            more = self._changes(self._between(since, start, now), after=after, limit=limit)
            kept = [*kept, *more[: limit - len(kept)]]
            self._put(key, now, kept)
        return list(kept)

    @staticmethod
    def _between(since: Since, seen: int, now: int) -> Since:
        """``since``, of the facts after ``seen`` and up to ``now`` only."""
        return replace(since, position=max(seen, since.position or 0), upto=now)

    def _get(self, key: tuple, now: int) -> tuple[int, Any] | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None and now < found[0]:  # rebuilt since: start again
                self._kept.clear()
                return None
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def _put(self, key: tuple, now: int, value: Any) -> None:
        with self._lock:
            current = self._kept.get(key)
            if current is None or current[0] <= now:
                self._kept[key] = (now, value)
                self._kept.move_to_end(key)
            while len(self._kept) > self._most:
                self._kept.popitem(last=False)


def _added(kept: Counts, more: Counts) -> Counts:
    total = {t: dict(c) for t, c in kept.items()}
    for township, counts in more.items():
        mine = total.setdefault(township, {"recorded": 0, "retracted": 0})
        for name, n in counts.items():
            mine[name] = mine.get(name, 0) + n
    return total
