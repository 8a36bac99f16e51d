"""A county's period counts as of a past moment, from the live tallies and the facts recorded
since: the tallies now, less what the entries changed after the moment contribute now, plus
what they contributed then. Only the entries recorded or changed after the moment are read and
folded, not every township's history (the ranking's figures only: the roster and overdue
issues depend on the moment itself, and the ranking does not weigh them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from projections.figures import RETRACTION, ROSTER_TYPES, Fact, fold, tallied
from projections.periods import Period

if TYPE_CHECKING:
    from projections.ledger import LedgerView


def counts_in(fact: Fact, span: Period) -> bool:
    """Whether the entry a fact belongs to counts in the period's figures: its business date
    is in the period (a roster entry's: on or before its end)."""
    return fact.entry_occurred_on in span or (
        fact.entry_type in ROSTER_TYPES and fact.entry_occurred_on <= span.end
    )


@dataclass(frozen=True)
class Since:
    """The townships' events recorded after a point: after ``position`` (a publication's) or
    after ``moment``, or in the window from ``start`` to ``until`` (both included); of the
    entries that count in ``span`` when one is given (what changed a period's figures). The
    read model counts them and gives them a page at a time, in log order."""

    townships: tuple[str, ...]
    span: Period | None = None
    position: int | None = None
    moment: datetime | None = None
    start: datetime | None = None
    until: datetime | None = None

    def covers(self, fact: Fact) -> bool:
        recorded = fact.recorded_at
        return (
            fact.township in self.townships
            and (self.position is None or fact.position > self.position)
            and (self.moment is None or recorded > self.moment)
            and (self.start is None or recorded >= self.start)
            and (self.until is None or recorded <= self.until)
            and (self.span is None or counts_in(fact, self.span))
        )


def tally_changes(facts: Sequence[Fact]) -> dict[str, dict[str, int]]:
    """How many of ``facts`` were recorded and retracted, by township (the read model's
    ``change_counts``, for a view that holds its facts in memory)."""
    found: dict[str, dict[str, int]] = {}
    for fact in facts:
        counts = found.setdefault(fact.township, {"recorded": 0, "retracted": 0})
        counts["retracted" if fact.type == RETRACTION else "recorded"] += 1
    return found


def counts_as_of(
    view: LedgerView,
    townships: Sequence[str],
    span: Period,
    moment: datetime,
    names: Sequence[str],
) -> dict[str, Counter[str]]:
    counts = view.tallies(townships, span.key, names)
    later = view.facts_since(townships, moment, until=span.end)
    changed = {(f.township, f.entry_id) for f in later if f.entry_occurred_on in span}
    if not changed:
        return counts
    wanted = set(names)
    histories: dict[tuple[str, str], list[Fact]] = {}
    for fact in view.facts_of_entries(changed):
        histories.setdefault((fact.township, fact.entry_id), []).append(fact)
    for key, facts in histories.items():
        total = counts[key[0]]
        for name, value in tallied(fold(facts)[key]).items():
            if name in wanted:
                total[name] -= value
        then = fold(f for f in facts if f.recorded_at <= moment).get(key)
        if then is not None:
            for name, value in tallied(then).items():
                if name in wanted:
                    total[name] += value
    return {t: +c for t, c in counts.items()}
