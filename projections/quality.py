"""Data-quality flags derived from the log (issue 22 item 3; docs/figures.md "Data quality"):
from the business date of each entry of a period and the moment each of its events was
recorded, per township, each rule's value against the county's threshold.

The facts given are those of the entries of the period's business dates, recorded up to the
moment asked about, in log order. Days are the installation's (``domain.moments.local_day``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from domain.dispute import Dispute
from domain.hotline import HotlineCase
from domain.issue import Issue
from domain.moments import local_day
from domain.quality import BACKFILLED, RETRACTIONS, RUSHED, SAME_DAY_CLOSURES
from domain.report import QuarterSubmission, ReportNarrative, ReportSubmission
from projections.figures import RETRACTION, Fact

# What closes an entry that opens a case: (the type that closes it, and how to tell).
CLOSINGS = {
    Dispute.Registered.TYPE: Dispute.Mediated.TYPE,
    Issue.Found.TYPE: Issue.Rectified.TYPE,
    HotlineCase.Received.TYPE: HotlineCase.Answered.TYPE,
}
# The events whose payload the rules read (a mediation's outcome); the others' are not read.
PAYLOADS = (Dispute.Mediated.TYPE,)
# The year's report (the head's narrative, the submission) and a quarter's submission are
# written about the period, near its due day by nature: no record of the work, and judged by
# none of the rules.
REPORTS = frozenset(
    {
        ReportNarrative.Written.TYPE,
        ReportSubmission.Submitted.TYPE,
        QuarterSubmission.Submitted.TYPE,
    }
)


@dataclass(frozen=True)
class Flag:
    """A rule a township's period breaks: its value (a share), the settings it was judged by,
    and the entries behind it (in the order they were recorded)."""

    rule: str
    value: float
    threshold: dict[str, Any]
    entries: tuple[str, ...]


@dataclass(slots=True)
class PeriodEntry:
    entry_id: str
    type: str
    occurred_on: date
    recorded_on: date  # the local day its first event was recorded
    closed_on: date | None = None
    retracted: bool = False


def flags(
    facts: Iterable[Fact],
    townships: Sequence[str],
    *,
    due: date,
    rules: Mapping[str, Mapping[str, Any]],
) -> dict[str, list[Flag]]:
    """Each township's flags (in the order of ``domain.quality.RULES``; none: an empty list)."""
    entries: dict[str, dict[str, PeriodEntry]] = {t: {} for t in townships}
    for fact in facts:
        found = entries.get(fact.township)
        if found is None or fact.entry_type in REPORTS:
            continue
        if fact.type == fact.entry_type:
            found[fact.entry_id] = PeriodEntry(
                fact.entry_id, fact.type, fact.occurred_on, local_day(fact.recorded_at)
            )
            continue
        entry = found.get(fact.entry_id)
        if entry is None:
            continue
        if fact.type == RETRACTION:
            entry.retracted = True
        elif fact.type == CLOSINGS.get(entry.type) and _closes(fact) and entry.closed_on is None:
            entry.closed_on = fact.occurred_on
    return {t: judged(list(entries[t].values()), due=due, rules=rules) for t in townships}


def _closes(fact: Fact) -> bool:
    """A mediation closes a dispute when it resolved it (a failed one leaves it open)."""
    return fact.type != Dispute.Mediated.TYPE or fact.payload.get("outcome") == "resolved"


def judged(
    entries: list[PeriodEntry], *, due: date, rules: Mapping[str, Mapping[str, Any]]
) -> list[Flag]:
    found: list[Flag] = []
    late = rules[BACKFILLED]["days"]
    window = rules[RUSHED]["days"]
    closed = [e for e in entries if e.closed_on is not None and not e.retracted]
    shares = {
        BACKFILLED: (
            [e for e in entries if (e.recorded_on - e.occurred_on).days > late],
            len(entries),
        ),
        RUSHED: (
            [e for e in entries if 0 <= (due - e.recorded_on).days < window],
            len(entries),
        ),
        SAME_DAY_CLOSURES: (
            [e for e in closed if e.closed_on == e.occurred_on],
            len(closed) if len(closed) >= rules[SAME_DAY_CLOSURES]["min_closed"] else 0,
        ),
        RETRACTIONS: ([e for e in entries if e.retracted], len(entries)),
    }
    for rule, (behind, of) in shares.items():
        above = rules[rule]["above"]
        if of and Fraction(len(behind), of) > Fraction(repr(above)):
            found.append(
                Flag(
                    rule,
                    round(len(behind) / of, 4),
                    dict(rules[rule]),
                    tuple(e.entry_id for e in behind),
                )
            )
    return found
