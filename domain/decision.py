"""The legality review of a major administrative decision (重大决策合法性审查)."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field, choice_of, choices_of

DECISION_STEPS = (
    "public_participation",
    "expert_consultation",
    "risk_assessment",
    "legality_review",
    "collective_decision",
    "disclosure",
)
REVIEWERS = ("legal_advisor", "judicial_office", "other")
REVIEW_RESULTS = ("approved", "approved_with_changes", "rejected")


class Decision(Entry):
    class Reviewed(Entry.Recorded):
        TYPE = "decision_reviewed"
        FIELDS = {
            "title": Field(values.text),
            "steps": Field(choices_of(*DECISION_STEPS)),
            "reviewer": Field(choice_of(*REVIEWERS)),
            "result": Field(choice_of(*REVIEW_RESULTS)),
        }
        title: str
        steps: tuple[str, ...]
        reviewer: str
        result: str
