"""A county's period counts as of a past moment, from the live tallies and the facts recorded
since: the tallies now, less what the entries changed after the moment contribute now, plus
what they contributed then. Only the entries recorded or changed after the moment are read and
folded, not every township's history (the ranking's figures only: the roster and overdue
issues depend on the moment itself, and the ranking does not weigh them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from projections.figures import Fact, fold, tallied
from projections.periods import Period

if TYPE_CHECKING:
    from projections.ledger import ViewQueries


def counts_as_of(
    view: ViewQueries,
    townships: Sequence[str],
    span: Period,
    moment: datetime,
    names: Sequence[str],
) -> dict[str, Counter[str]]:
    """The counts ``names`` of the townships' period as they stood at ``moment``: from the
    last snapshot of the tallies before it, corrected by the entries changed between the
    snapshot and the moment (a few thousand events at most, wherever the moment is in the
    log); without a snapshot before it, from the tallies now, corrected back."""
    mark = view.mark_before(moment)
    if mark is None:
        base = view.tallies(townships, span.key, names)
        between = view.facts_since(townships, moment, until=span.end)
        return _corrected(view, base, between, span, names, then=lambda f: True, now=moment)
    base = view.tallies_at(townships, span.key, names, mark)
    between = view.facts_between(townships, mark, moment, until=span.end)
    return _corrected(
        view, base, between, span, names, then=lambda f: f.position <= mark, now=moment
    )


def _corrected(
    view: ViewQueries,
    counts: dict[str, Counter[str]],
    between: Sequence[Fact],
    span: Period,
    names: Sequence[str],
    *,
    then: Callable[[Fact], bool],
    now: datetime,
) -> dict[str, Counter[str]]:
    """``counts`` as they stood where ``then`` keeps a fact's history, changed to what the
    entries ``between`` count as of ``now``: each changed entry's contribution then is taken
    out and its contribution at ``now`` put in. (From the tallies now, ``then`` keeps every
    fact, and the entries changed since the moment go back.)"""
    changed = {(f.township, f.entry_id) for f in between if f.entry_occurred_on in span}
    if not changed:
        return {t: +c for t, c in counts.items()}
    wanted = set(names)
    histories: dict[tuple[str, str], list[Fact]] = {}
    for fact in view.facts_of_entries(changed):
        histories.setdefault((fact.township, fact.entry_id), []).append(fact)
    for key, facts in histories.items():
        total = counts.setdefault(key[0], Counter())
        before = fold(f for f in facts if then(f)).get(key)
        after = fold(f for f in facts if f.recorded_at <= now).get(key)
        for state, sign in ((before, -1), (after, 1)):
            if state is not None:
                for name, value in tallied(state).items():
                    if name in wanted:
                        total[name] += sign * value
    return {t: +c for t, c in counts.items()}
