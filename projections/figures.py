"""The figures of DOMAIN.md, derived from projected events.

One function, ``contribution``, says what an entry adds to the figures. The figures of any
period as of any moment are the sum of the contributions of the entries as they stood then;
the live tallies the ranking reads are the same sums kept up to date event by event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

from domain.decision import Decision
from domain.dispute import Dispute
from domain.entry import Entry
from domain.evidence import ATTACHED, EVIDENCE_TYPES
from domain.figure_names import COUNT_FIGURES, RATES
from domain.hotline import HotlineCase
from domain.inspection import Inspection
from domain.issue import Issue
from domain.meeting import Meeting
from domain.moments import local_day
from domain.roster import Advisor, Liaison, Officer, Volunteer
from domain.session import SESSION_KINDS, Session
from projections.periods import Period

ROSTER_TYPES = frozenset(
    {
        Advisor.Appointed.TYPE,
        Liaison.Registered.TYPE,
        Volunteer.Pledged.TYPE,
        Officer.Certified.TYPE,
    }
)
RETRACTION = Entry.Retracted.TYPE


class Fact(NamedTuple):
    """One projected event of a township entry (a named tuple: projections make many)."""

    position: int
    township: str
    entry_id: str
    entry_type: str
    entry_occurred_on: date
    type: str
    occurred_on: date
    recorded_at: datetime
    actor: str
    payload: Mapping[str, Any]


@dataclass(slots=True)
class EntryState:
    """An entry as the recorded facts so far make it."""

    township: str
    entry_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    payload: Mapping[str, Any]
    follow_ups: list[Fact] = field(default_factory=list)
    retracted_at: datetime | None = None
    # The files attached to it and retracted, in log order: (recorded at, SHA-256, attached).
    # Evidence counts for no figure: it is no follow-up.
    evidence: list[tuple[datetime, str, bool]] = field(default_factory=list)
    # The last recording moment of its facts after the first (None: none came): what an
    # entry as of a moment asks first.
    changed_at: datetime | None = None

    @classmethod
    def created_by(cls, fact: Fact) -> EntryState:
        return cls(
            fact.township,
            fact.entry_id,
            fact.type,
            fact.occurred_on,
            fact.recorded_at,
            fact.payload,
        )

    def apply(self, fact: Fact) -> None:
        if self.changed_at is None or fact.recorded_at > self.changed_at:
            self.changed_at = fact.recorded_at
        if fact.type == RETRACTION:
            self.retracted_at = fact.recorded_at
        elif fact.type in EVIDENCE_TYPES:
            self.evidence.append((fact.recorded_at, fact.payload["sha256"], fact.type == ATTACHED))
        else:
            self.follow_ups.append(fact)

    @property
    def carries_evidence(self) -> bool:
        """Does it carry a file not retracted?"""
        return bool(self.evidence) and any({sha: on for _, sha, on in self.evidence}.values())

    def as_of(self, moment: datetime) -> EntryState | None:
        """The entry as the facts recorded by ``moment`` made it (None: recorded after): what
        folding those facts gives, without reading them again. Itself when nothing was
        recorded for it since (states are never changed once read)."""
        if self.recorded_at > moment:
            return None
        if self.changed_at is None or self.changed_at <= moment:
            return self
        follow_ups = [f for f in self.follow_ups if f.recorded_at <= moment]
        retracted = self.retracted_at if self.retracted_at and self.retracted_at <= moment else None
        evidence = [e for e in self.evidence if e[0] <= moment]
        moments = [f.recorded_at for f in follow_ups] + [e[0] for e in evidence]
        return replace(
            self,
            follow_ups=follow_ups,
            retracted_at=retracted,
            evidence=evidence,
            changed_at=max([*moments, *([retracted] if retracted else [])], default=None),
        )

    def last(self, type_: str) -> Fact | None:
        for fact in reversed(self.follow_ups):
            if fact.type == type_:
                return fact
        return None


def fold(facts: Iterable[Fact]) -> dict[tuple[str, str], EntryState]:
    """Entry states from facts in log order (the facts of one moment: filter them first)."""
    states: dict[tuple[str, str], EntryState] = {}
    for fact in facts:
        key = (fact.township, fact.entry_id)
        if fact.type == fact.entry_type:
            states[key] = EntryState.created_by(fact)
        elif key in states:
            states[key].apply(fact)
    return states


def contribution(entry: EntryState) -> dict[str, int]:
    """What one live (not retracted) entry adds to its period's figures (each name once: a
    plain dict, since projections call this for every entry they touch)."""
    c: dict[str, int] = {}
    p = entry.payload
    match entry.type:
        case Session.Held.TYPE:
            kind = p["kind"]
            c[f"sessions.{kind}.count"] = 1
            for measure in ("attendees", "reached", "materials"):
                c[f"sessions.{kind}.{measure}"] = p.get(measure) or 0
        case Meeting.Held.TYPE:
            c["meetings.count"] = 1
            c["meetings.matters_decided"] = p["matters_decided"]
        case Decision.Reviewed.TYPE:
            c["decisions.reviewed"] = 1
            c["decisions.with_legality_review"] = int("legality_review" in p["steps"])
            for step in p["steps"]:
                c[f"decisions.by_step.{step}"] = 1
            c[f"decisions.by_result.{p['result']}"] = 1
            c[f"decisions.by_reviewer.{p['reviewer']}"] = 1
        case Inspection.Conducted.TYPE:
            c["inspections"] = 1
        case Issue.Found.TYPE:
            c["issues.found"] = 1
            rectified = entry.last(Issue.Rectified.TYPE)
            if rectified:
                c["issues.rectified"] = 1
                c["issues.rectified_on_time"] = int(rectified.occurred_on <= _day(p["deadline"]))
        case Dispute.Registered.TYPE:
            c["disputes.registered"] = 1
            c[f"disputes.by_source.{p['source']}"] = 1
            mediated = entry.last(Dispute.Mediated.TYPE)
            if mediated and mediated.payload["outcome"] == "resolved":
                c["disputes.resolved"] = 1
                c[f"disputes.by_mediator.{mediated.payload['mediator']}"] = 1
            elif mediated:
                c["disputes.failed"] = 1
        case HotlineCase.Received.TYPE:
            c["hotline.received"] = 1
            answered = entry.last(HotlineCase.Answered.TYPE)
            if answered:
                c["hotline.answered"] = 1
                c["hotline.resolved"] = int(answered.payload["resolved"])
        case Advisor.Appointed.TYPE:
            c[f"roster.advisors_{p['level']}"] = 1
        case Liaison.Registered.TYPE:
            c["roster.liaisons"] = 1
        case Volunteer.Pledged.TYPE:
            c["roster.volunteers"] = 1
            c["roster.volunteer_posts"] = int(p["post"] != "none")
        case Officer.Certified.TYPE:
            c["roster.officers"] = 1
    return c


def counts_for(states: Iterable[EntryState], period: Period, as_of: datetime) -> Counter[str]:
    """The counts of a period as of a moment (states already limited to that moment)."""
    total: dict[str, int] = {}
    add = total.get
    for entry in counting(states, period):
        for name, value in _counted(entry, as_of).items():
            total[name] = add(name, 0) + value
    return Counter(total)


def counting(states: Iterable[EntryState], period: Period) -> Iterable[EntryState]:
    """The live entries that belong to a period: of its days, or the roster appointed by its
    end (a township's history holds years of entries; most count for none of them)."""
    start, end = period.start, period.end
    for entry in states:
        day = entry.occurred_on
        if entry.retracted_at is None and (
            start <= day <= end or (day <= end and entry.type in ROSTER_TYPES)
        ):
            yield entry


def _counted(entry: EntryState, as_of: datetime) -> dict[str, int]:
    """What a live entry of the period (``counting``) adds to its figures as of a moment:
    its contribution, and whether it is an issue open past its deadline."""
    counts = contribution(entry)
    if is_overdue(entry, as_of):
        counts["issues.overdue"] = counts.get("issues.overdue", 0) + 1
    return counts


def figure_sources(
    states: Iterable[EntryState], period: Period, as_of: datetime
) -> dict[str, list[str]]:
    """The ids of the entries behind each count figure of a period as of a moment (the
    figures with none are left out): the entries whose contribution to it is not zero."""
    found: dict[str, list[str]] = {}
    for entry in counting(states, period):
        for name, value in _counted(entry, as_of).items():
            if value:
                found.setdefault(name, []).append(entry.entry_id)
    return found


def is_overdue(entry: EntryState, as_of: datetime) -> bool:
    """An issue still not rectified after its deadline, as of a moment: from the day after the
    deadline on the installation's clock."""
    return (
        entry.type == Issue.Found.TYPE
        and entry.last(Issue.Rectified.TYPE) is None
        and _day(entry.payload["deadline"]) < local_day(as_of)
    )


def tallied(entry: EntryState) -> dict[str, int]:
    """What the live tallies keep for an entry: its contribution to its own period. The roster
    and overdue issues are left out: they depend on the moment asked about."""
    if entry.retracted_at is not None or entry.type in ROSTER_TYPES:
        return {}
    return contribution(entry)


def rate(numerator: int, denominator: int) -> dict[str, Any]:
    value = round(numerator / denominator, 4) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "value": value}


def document(
    counts: Mapping[str, int], *, laws: Mapping[str, list[str]] | None = None, **head: Any
) -> dict[str, Any]:
    """The figures document of DOMAIN.md's contract, every figure present (0 when none)."""
    doc: dict[str, Any] = dict(head)
    for name in COUNT_FIGURES:
        _put(doc, name, counts.get(name, 0))
    for kind in SESSION_KINDS:
        doc["sessions"][kind]["laws"] = list((laws or {}).get(kind, []))
    doc["rates"] = {
        name: rate(counts.get(num, 0), counts.get(den, 0)) for name, (num, den) in RATES.items()
    }
    return doc


def laws_studied(states: Iterable[EntryState], period: Period) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in states:
        if (
            entry.type == Session.Held.TYPE
            and not entry.retracted_at
            and entry.occurred_on in period
        ):
            titles = found.setdefault(entry.payload["kind"], [])
            titles.extend(t for t in entry.payload.get("laws") or () if t not in titles)
    return found


def lookup(doc: Mapping[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        node = node[part]
    return node


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
