"""A ranking as of a past moment, answered from the tallies and the facts recorded since,
gives the counts the township's entries folded as of that moment give (worked out here from
the facts alone, the slow way)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.figure_names import RANKABLE_COUNTS
from projections.as_of import counts_as_of
from projections.figures import counts_for, fold
from projections.periods import Period
from tests.integration.conftest import Towns, moment
from tests.integration.tampering import two_disputes
from tests.support import line


def folded(towns: Towns, township: str, span: Period, at: datetime) -> dict[str, int]:
    view = towns.ledger.read_model
    states = fold(view.facts(township, until=span.end, as_of=at)).values()
    counts = counts_for(states, span, at)
    return {n: v for n, v in counts.items() if n in RANKABLE_COUNTS and v}


def test_counts_as_of_every_moment_equal_the_folded_entries(towns: Towns) -> None:
    county, (a, b) = towns.townships(2)
    moments = [moment()]
    towns.import_lines([*two_disputes(a), *two_disputes(b)])
    moments.append(moment())
    towns.record(a, "dispute_mediated", "D-2", "2024-03-09", outcome="failed", mediator="other")
    towns.record(b, "entry_retracted", "D-1", "2025-01-10", reason="重复")
    moments.append(moment())
    towns.import_lines(
        [
            line(
                a,
                "issue_found",
                "I-1",
                "2024-06-01",
                category="台账",
                description="台账缺失",
                deadline="2024-07-01",
            ),
            line(b, "dispute_registered", "D-9", "2023-12-30", source="other", category="劳动"),
            line(b, "dispute_registered", "D-8", "2024-12-30", source="other", category="劳动"),
        ]
    )
    towns.record(a, "issue_rectified", "I-1", "2024-06-20")
    towns.record(a, "entry_retracted", "D-1", "2025-02-01", reason="登记有误")
    moments.append(moment())
    towns.ledger.read_model.refresh()
    names = sorted(RANKABLE_COUNTS)
    for span in (Period.parse("2024"), Period.parse("2024-03"), Period.parse("2024-Q2")):
        for at in moments:
            got = counts_as_of(towns.ledger.read_model, [a, b], span, at, names)
            for township in (a, b):
                assert dict(got[township]) == folded(towns, township, span, at), (span, at)


@pytest.mark.parametrize("every", [2, 3, 5])
def test_counts_as_of_from_the_tallies_snapshots_equal_the_folded_entries(
    towns: Towns, every: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tallies snapshotted every few events: a moment between two snapshots starts from
    the one before it (projections/as_of.py) and gives the folded counts all the same."""
    monkeypatch.setattr(towns.ledger.read_model.storage, "snapshot_every", every)
    county, (a, b) = towns.townships(2)
    refresh, moments = towns.ledger.read_model.refresh, []
    steps = [
        lambda: towns.import_lines([*two_disputes(a), *two_disputes(b)]),
        lambda: towns.record(
            a, "dispute_mediated", "D-2", "2024-03-09", outcome="failed", mediator="other"
        ),
        lambda: towns.record(b, "entry_retracted", "D-1", "2025-01-10", reason="重复"),
        lambda: towns.record(
            a, "dispute_registered", "D-7", "2024-03-02", source="other", category="劳动"
        ),
        lambda: towns.record(
            a, "dispute_mediated", "D-7", "2024-03-12", outcome="resolved", mediator="other"
        ),
        lambda: towns.record(a, "entry_retracted", "D-1", "2025-02-01", reason="登记有误"),
    ]
    for step in steps:
        step()
        refresh()
        moments.append(moment())
    view = towns.ledger.read_model
    assert view.mark_before(moments[-1]) is not None  # snapshots were taken
    names = sorted(RANKABLE_COUNTS)
    for span in (Period.parse("2024"), Period.parse("2024-03")):
        for at in moments:
            got = counts_as_of(view, [a, b], span, at, names)
            for township in (a, b):
                assert dict(got[township]) == folded(towns, township, span, at), (span, at)
