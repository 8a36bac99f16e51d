"""What changed since a point of the log: the entries recorded or retracted after a publication,
a moment, or in a window (``Since``), which the read model counts and pages (the restatement
notice, the auditor's as-of pages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.evidence import EVIDENCE_TYPES
from projections.figures import RETRACTION, ROSTER_TYPES, Fact
from projections.periods import Period


def counts_in(fact: Fact, span: Period) -> bool:
    """Whether the entry a fact belongs to counts in the period's figures: its business date
    is in the period (a roster entry's: on or before its end)."""
    return fact.entry_occurred_on in span or (
        fact.entry_type in ROSTER_TYPES and fact.entry_occurred_on <= span.end
    )


def may_change_figures(fact: Fact, span: Period) -> bool:
    """Whether a fact may have changed the period's figures: one of an entry that counts in
    it, and no evidence (a file attached or retracted changes no figure)."""
    return fact.type not in EVIDENCE_TYPES and counts_in(fact, span)


@dataclass(frozen=True)
class Since:
    """The townships' events recorded after a point: after ``position`` (a publication's) or
    after ``moment``, or in the window from ``start`` to ``until`` (both included); of the
    entries that count in ``span`` when one is given, evidence left out (what changed a
    period's figures). The
    read model counts them and gives them a page at a time, in log order."""

    townships: tuple[str, ...]
    span: Period | None = None
    position: int | None = None
    moment: datetime | None = None
    start: datetime | None = None
    until: datetime | None = None
    upto: int | None = None  # and up to this position of the log, included

    def covers(self, fact: Fact) -> bool:
        recorded = fact.recorded_at
        return (
            fact.township in self.townships
            and (self.position is None or fact.position > self.position)
            and (self.upto is None or fact.position <= self.upto)
            and (self.moment is None or recorded > self.moment)
            and (self.start is None or recorded >= self.start)
            and (self.until is None or recorded <= self.until)
            and (self.span is None or may_change_figures(fact, self.span))
        )


def tally_changes(facts: Sequence[Fact]) -> dict[str, dict[str, int]]:
    """How many of ``facts`` were recorded and retracted, by township (the read model's
    ``change_counts``, for a view that holds its facts in memory)."""
    found: dict[str, dict[str, int]] = {}
    for fact in facts:
        counts = found.setdefault(fact.township, {"recorded": 0, "retracted": 0})
        counts["retracted" if fact.type == RETRACTION else "recorded"] += 1
    return found
