"""One township's year as lines of the interchange format, generated from a ``Plan``: every
count of the plan becomes that many entries, dated within the year, each follow-up after its
entry."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from domain.decision import DECISION_STEPS
from sample.plans import Plan
from sample.words import (
    AREAS,
    DECISION_TITLES,
    DISPUTE_CATEGORIES,
    ISSUES,
    OTHER_STEPS,
    SESSION_TITLES,
)

Line = dict[str, Any]
T = TypeVar("T")


def _line(township: str, type_: str, id_: str, occurred_on: str, **fields: Any) -> Line:
    return {"township": township, "type": type_, "id": id_, "occurred_on": occurred_on, **fields}


@lru_cache(maxsize=8)
def _dates(year: int) -> tuple[str, ...]:
    first = date(year, 1, 1)
    return tuple(
        (first + timedelta(days=n)).isoformat() for n in range((date(year + 1, 1, 1) - first).days)
    )


class _Year:
    """Collects one township's lines for one year; days are indexes into the year."""

    def __init__(self, township: str, year: int, rng: random.Random) -> None:
        self.township, self.year, self.rng = township, year, rng
        self.dates = _dates(year)
        self.last = len(self.dates) - 1
        self.lines: list[Line] = []
        self._numbers: Counter[str] = Counter()

    def next_id(self, prefix: str) -> str:
        self._numbers[prefix] += 1
        return f"{prefix}-{self.year}-{self._numbers[prefix]:04d}"

    def day(self, first: int = 0, last: int = 366) -> int:
        return self.rng.randint(first, min(last, self.last))

    def later(self, day: int, least: int, most: int) -> int:
        return min(day + self.rng.randint(least, most), self.last)

    def add(self, type_: str, id_: str, day: int, **fields: Any) -> None:
        self.lines.append(_line(self.township, type_, id_, self.dates[day], **fields))

    def ordered(self) -> list[Line]:
        # Stable: an entry's follow-ups were added after it, so they stay after it on its day.
        return sorted(self.lines, key=lambda line: line["occurred_on"])


def year_lines(township: str, year: int, plan: Plan, rng: random.Random) -> list[Line]:
    y = _Year(township, year, rng)
    for section in (_roster, _sessions, _meetings, _decisions, _issues, _disputes, _hotline):
        section(y, plan)
    y.add("report_narrative", f"N-{year}", y.last, year=year, **_narrative(plan))
    return y.ordered()


def _roster(y: _Year, plan: Plan) -> None:
    for level in _shuffled(y.rng, plan.advisors):
        y.add("advisor_appointed", y.next_id("A"), y.day(0, 30), level=level)
    for _ in range(plan.liaisons):
        y.add("liaison_registered", y.next_id("L"), y.day(0, 90))
    for post in _shuffled(y.rng, plan.volunteer_posts):
        y.add("volunteer_pledged", y.next_id("V"), y.day(0, 90), post=post)
    for _ in range(plan.officers):
        y.add("officer_certified", y.next_id("O"), y.day(0, 60))


def _sessions(y: _Year, plan: Plan) -> None:
    for kind, count in plan.sessions.items():
        for fields in _session_fields(y.rng, plan, kind, count):
            y.add("session_held", y.next_id("S"), y.day(), kind=kind, **fields)


def _session_fields(rng: random.Random, plan: Plan, kind: str, count: int) -> list[Line]:
    """Title, attendees and the kind's optional fields for each of `count` sessions."""
    if kind == "pre_meeting_law_study":
        laws = [plan.laws[n % len(plan.laws)] for n in range(count)]
        return [
            {"title": f"会前学法:{law}", "attendees": rng.randint(9, 25), "laws": [law]}
            for law in laws
        ]
    titles = [rng.choice(SESSION_TITLES[kind]) for _ in range(count)]
    if kind == "enforcement_training":
        attendees = _split(rng, plan.training_attendees, count)
        return [{"title": t, "attendees": a} for t, a in zip(titles, attendees, strict=True)]
    if kind == "publicity":  # the audience is counted in `reached`, not as attendees
        materials = _split(rng, plan.publicity_materials, count)
        reached = _split(rng, plan.publicity_reached, count)
        return [
            {"title": t, "attendees": 0, "reached": r, "materials": m}
            for t, r, m in zip(titles, reached, materials, strict=True)
        ]
    return [{"title": t, "attendees": rng.randint(12, 40)} for t in titles]


def _meetings(y: _Year, plan: Plan) -> None:
    for matters in _split(y.rng, plan.matters_decided, plan.meetings):
        y.add("meeting_held", y.next_id("M"), y.day(), matters_decided=matters)


def _decisions(y: _Year, plan: Plan) -> None:
    results = _shuffled(y.rng, plan.decision_results)
    reviewers = _shuffled(y.rng, plan.decision_reviewers)
    for n, (result, reviewer) in enumerate(zip(results, reviewers, strict=True)):
        y.add(
            "decision_reviewed",
            y.next_id("DR"),
            y.day(),
            title=DECISION_TITLES[n % len(DECISION_TITLES)],
            steps=_steps(y.rng, legality_review=n < plan.with_legality_review),
            reviewer=reviewer,
            result=result,
        )


def _steps(rng: random.Random, legality_review: bool) -> list[str]:
    chosen = set(rng.sample(OTHER_STEPS, rng.randint(1, 3)))
    if legality_review:
        chosen.add("legality_review")
    return [step for step in DECISION_STEPS if step in chosen]


def _issues(y: _Year, plan: Plan) -> None:
    """Inspections until early autumn, each issue found during one, its deadline well before
    year end; so a late rectification still falls within the year, and an open issue is
    overdue at year end."""
    inspections = []
    for _ in range(plan.inspections):
        inspection = (y.next_id("IN"), y.day(0, 250))
        y.add("inspection_conducted", *inspection, area=y.rng.choice(AREAS))
        inspections.append(inspection)
    fates = {
        "late": plan.late,
        "on_time": plan.rectified - plan.late,
        "open": plan.issues - plan.rectified,
    }
    for fate in _shuffled(y.rng, fates):
        _issue(y, fate, y.rng.choice(inspections) if inspections else None)


def _issue(y: _Year, fate: str, inspection: tuple[str, int] | None) -> None:
    id_ = y.next_id("IS")
    found = y.later(inspection[1], 0, 14) if inspection else y.day(0, 264)
    deadline = found + y.rng.randint(14, 60)
    category = y.rng.choice(list(ISSUES))
    extra = {"inspection": inspection[0]} if inspection else {}
    description = y.rng.choice(ISSUES[category])
    y.add(
        "issue_found",
        id_,
        found,
        category=category,
        description=description,
        deadline=y.dates[deadline],
        **extra,
    )
    if fate == "on_time":
        y.add("issue_rectified", id_, y.rng.randint(found, deadline))
    elif fate == "late":
        y.add("issue_rectified", id_, y.later(deadline, 1, 30))


def _disputes(y: _Year, plan: Plan) -> None:
    registered = []
    for source in _shuffled(y.rng, plan.dispute_sources):
        id_, day = y.next_id("D"), y.day()
        y.add(
            "dispute_registered",
            id_,
            day,
            source=source,
            category=y.rng.choice(DISPUTE_CATEGORIES),
        )
        registered.append((id_, day, source))
    mediators = _resolving_mediators(y.rng, plan, registered)
    resolved = sorted(id_ for id_, mediator in mediators.items() if mediator)
    retried = set(y.rng.sample(resolved, plan.retried))
    for id_, day, _source in registered:
        _mediations(y, id_, day, mediators[id_], retried=id_ in retried)


def _resolving_mediators(
    rng: random.Random, plan: Plan, registered: list[tuple[str, int, str]]
) -> dict[str, str | None]:
    """Who resolved each dispute; None for the disputes left unresolved."""
    by_volunteer = [id_ for id_, _day, source in registered if source == "volunteer"][
        : plan.by_volunteer
    ]
    others = [id_ for id_, _day, _source in registered if id_ not in set(by_volunteer)]
    rng.shuffle(others)
    committee = plan.resolved - plan.by_volunteer - plan.by_legal_advisor
    resolvers = ["legal_advisor"] * plan.by_legal_advisor + ["mediation_committee"] * committee
    mediators: dict[str, str | None] = dict.fromkeys(others)
    mediators.update(zip(others, resolvers, strict=False))
    mediators.update(dict.fromkeys(by_volunteer, "volunteer"))
    return mediators


def _mediations(y: _Year, id_: str, day: int, resolver: str | None, retried: bool) -> None:
    if resolver is None or retried:
        day = y.later(day, 2, 30)
        y.add("dispute_mediated", id_, day, outcome="failed", mediator="mediation_committee")
    if resolver is not None:
        y.add("dispute_mediated", id_, y.later(day, 2, 30), outcome="resolved", mediator=resolver)


def _hotline(y: _Year, plan: Plan) -> None:
    unresolved = plan.answered - plan.answered_resolved
    answers = {True: plan.answered_resolved, False: unresolved, None: plan.hotline - plan.answered}
    for answer in _shuffled(y.rng, answers):
        id_, day = y.next_id("H"), y.day()
        y.add("hotline_case_received", id_, day)
        if answer is not None:
            y.add("hotline_case_answered", id_, y.later(day, 0, 10), resolved=answer)


def _narrative(plan: Plan) -> Line:
    words = {"problems": _numbered(plan.problems), "next_steps": _numbered(plan.next_steps)}
    return {**words, "themes": dict(plan.themes)} if plan.themes else words


def _numbered(points: Iterable[str]) -> str:
    return "\n".join(
        f"{number}是{point}" for number, point in zip("一二三四五六", points, strict=False)
    )


# -- small helpers ----------------------------------------------------------------------


def _shuffled(rng: random.Random, counts: Mapping[T, int]) -> list[T]:
    """Each key repeated as often as its count, in random order."""
    items = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(items)
    return items


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` non-negative, roughly even integers summing to `total` (nothing if no parts)."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    total_weight = sum(weights)
    shares = [int(total * weight / total_weight) for weight in weights]
    for index in rng.sample(range(parts), total - sum(shares)):
        shares[index] += 1
    return shares
