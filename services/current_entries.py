"""A township's entries as they stand now, kept by this process between pages: folded once
from the read model's facts, then brought up to date with the facts recorded since (a page
asks the read model only for what is new). A township's pages (its figures, its lists, its
open issues, its report) all read them; a clerk moving from page to page costs a query for
the new facts, not a fold of the township's whole history each time.

What a reader is given is never changed afterwards: an update copies the states it changes
into a new mapping (other threads may still be reading the one before). The read model
starting again from zero (a rebuild) drops everything kept."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from projections.figures import EntryState, Fact, fold

KEPT = 64  # townships a process keeps (their entries: a few MB each at a full history)


@dataclass(frozen=True)
class Kept:
    seen: int  # the read model's position when last brought up to date
    applied: int  # the position of the last fact folded in
    states: dict[tuple[str, str], EntryState]


class CurrentEntries:
    def __init__(
        self,
        position: Callable[[], int],
        facts_after: Callable[[str, int], Sequence[Fact]],
        kept: int = KEPT,
    ) -> None:
        """``position``: the read model's position; ``facts_after(township, position)``: the
        township's facts after a position, in log order."""
        self._position = position
        self._facts_after = facts_after
        self._kept: OrderedDict[str, Kept] = OrderedDict()
        self._most = kept
        self._lock = threading.Lock()

    def of(self, township: str) -> list[EntryState]:
        """The township's entries now, in the order they were recorded."""
        seen = self._position()
        with self._lock:
            found = self._kept.get(township)
            if found is not None and seen < found.seen:  # rebuilt since: start again
                self._kept.clear()
                found = None
        if found is None or seen > found.seen:
            found = self._updated(township, found, seen)
            with self._lock:
                current = self._kept.get(township)
                if current is None or current.applied <= found.applied:
                    self._kept[township] = found
                self._kept.move_to_end(township)
                while len(self._kept) > self._most:
                    self._kept.popitem(last=False)
        return list(found.states.values())

    def _updated(self, township: str, found: Kept | None, seen: int) -> Kept:
        applied = found.applied if found else 0
        facts = self._facts_after(township, applied)
        if found is None:
            return Kept(seen, max((f.position for f in facts), default=0), fold(facts))
        states = dict(found.states)
        changed: set[tuple[str, str]] = set()
        for fact in facts:
            key = (fact.township, fact.entry_id)
            if fact.type == fact.entry_type:
                states[key] = EntryState.created_by(fact)
                changed.add(key)
            elif key in states:
                if key not in changed:  # a copy of its own, the one before stays as it was
                    states[key] = _copied(states[key])
                    changed.add(key)
                states[key].apply(fact)
            applied = max(applied, fact.position)
        return Kept(seen, applied, states)


def _copied(state: EntryState) -> EntryState:
    twin = copy.copy(state)
    twin.follow_ups = list(state.follow_ups)
    twin.evidence = list(state.evidence)
    return twin
