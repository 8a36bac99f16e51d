"""What a township's year holds, as counts: the seed town's (``SEED_PLAN``, the seed report's
figures) or one drawn around it (``drawn_plan``)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from sample.words import LAWS, NEXT_STEPS, PROBLEMS, SEED_LAWS, SEED_THEMES


@dataclass(frozen=True)
class Plan:
    """What one township's year holds: the counts the lines are generated from."""

    sessions: dict[str, int]  # kind -> number of sessions
    training_attendees: int  # summed over the enforcement trainings
    publicity_materials: int  # summed over the publicity events
    publicity_reached: int  # summed over the publicity events
    laws: tuple[str, ...]  # studied before meetings, one per session, in turn
    meetings: int
    matters_decided: int
    decision_results: dict[str, int]
    decision_reviewers: dict[str, int]
    with_legality_review: int
    inspections: int
    issues: int
    rectified: int
    late: int  # of the rectified, how many after their deadline
    dispute_sources: dict[str, int]
    resolved: int
    by_legal_advisor: int  # resolved disputes whose resolving mediator was the legal advisor
    by_volunteer: int  # resolved volunteer-source disputes whose resolving mediator was a volunteer
    retried: int  # resolved disputes that had a failed mediation first
    hotline: int
    answered: int
    answered_resolved: int
    advisors: dict[str, int]  # level -> count
    liaisons: int
    volunteer_posts: dict[str, int]  # post -> count
    officers: int
    problems: tuple[str, ...]
    next_steps: tuple[str, ...]
    themes: Mapping[str, str]  # the head's own paragraph, by theme code of the report's 一、


SEED_PLAN = Plan(
    sessions={
        "theory_study": 5,
        "political_study_day": 51,
        "pre_meeting_law_study": 6,
        "lecture": 5,
        "enforcement_training": 4,
        "publicity": 120,
    },
    training_attendees=160,
    publicity_materials=600,
    publicity_reached=40000,
    laws=SEED_LAWS,
    meetings=59,
    matters_decided=37,
    decision_results={"approved": 6, "approved_with_changes": 1},
    decision_reviewers={"legal_advisor": 7},
    with_legality_review=7,
    inspections=22,
    issues=33,
    rectified=32,
    late=2,
    dispute_sources={"screening": 250, "hotline_12345": 60, "petition": 12, "volunteer": 40},
    resolved=330,
    by_legal_advisor=16,
    by_volunteer=36,
    retried=10,
    hotline=332,
    answered=332,
    answered_resolved=332,
    advisors={"township": 1, "community": 8},
    liaisons=36,
    volunteer_posts={"mediation": 20, "publicity": 12, "none": 360},
    officers=8,
    problems=PROBLEMS[:3],
    next_steps=NEXT_STEPS[:3],
    themes=SEED_THEMES,
)


def drawn_plan(rng: random.Random, scale: float) -> Plan:
    """Counts around the seed's times `scale`; rates between about 0.6 and 1.0."""

    def around(count: int) -> int:
        return round(count * scale * rng.uniform(0.75, 1.25))

    def share(count: int, least: float = 0.6) -> int:
        return round(count * rng.uniform(least, 1.0))

    s = SEED_PLAN
    sessions = {kind: around(count) for kind, count in s.sessions.items()}
    decisions, issues, hotline = around(7), around(s.issues), around(s.hotline)
    changed = rng.randint(0, decisions // 3)
    rejected = rng.randint(0, (decisions - changed) // 5)
    reviewed_by_advisor = share(decisions)
    rectified = share(issues)
    sources = {source: around(count) for source, count in s.dispute_sources.items()}
    resolved = share(sum(sources.values()))
    by_volunteer = min(share(sources["volunteer"]), resolved)
    answered = share(hotline, least=0.85)
    return Plan(
        sessions=sessions,
        training_attendees=sessions["enforcement_training"] * rng.randint(20, 50),
        publicity_materials=sessions["publicity"] * rng.randint(2, 8),
        publicity_reached=sessions["publicity"] * rng.randint(100, 500),
        laws=tuple(rng.sample(LAWS, len(LAWS))),
        meetings=around(s.meetings),
        matters_decided=around(s.matters_decided),
        decision_results={
            "approved": decisions - changed - rejected,
            "approved_with_changes": changed,
            "rejected": rejected,
        },
        decision_reviewers={
            "legal_advisor": reviewed_by_advisor,
            "judicial_office": decisions - reviewed_by_advisor,
        },
        with_legality_review=share(decisions),
        inspections=around(s.inspections),
        issues=issues,
        rectified=rectified,
        late=rng.randint(0, rectified // 8),
        dispute_sources=sources,
        resolved=resolved,
        by_legal_advisor=min(around(s.by_legal_advisor), resolved - by_volunteer),
        by_volunteer=by_volunteer,
        retried=min(around(s.retried), resolved),
        hotline=hotline,
        answered=answered,
        answered_resolved=share(answered),
        advisors={"township": 1, "community": max(1, around(8))},
        liaisons=around(s.liaisons),
        volunteer_posts={post: around(count) for post, count in s.volunteer_posts.items()},
        officers=max(1, around(s.officers)),
        problems=tuple(rng.sample(PROBLEMS, 3)),
        next_steps=tuple(rng.sample(NEXT_STEPS, 3)),
        themes={},
    )


# -- small helpers ----------------------------------------------------------------------
