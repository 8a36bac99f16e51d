"""A county's period counts as of a past moment, from the live tallies and the facts recorded
since: the tallies now, less what the entries changed after the moment contribute now, plus
what they contributed then. Only the entries recorded or changed after the moment are read and
folded, not every township's history (the ranking's figures only: the roster and overdue
issues depend on the moment itself, and the ranking does not weigh them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from projections.figures import Fact, fold, tallied
from projections.periods import Period

if TYPE_CHECKING:
    from projections.ledger import LedgerView


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
