"""Study sessions, lectures, trainings and publicity events (学法/培训/普法活动)."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field, choice_of

SESSION_KINDS = (
    "theory_study",
    "political_study_day",
    "pre_meeting_law_study",
    "lecture",
    "enforcement_training",
    "publicity",
)


class Session(Entry):
    class Held(Entry.Recorded):
        TYPE = "session_held"
        FIELDS = {
            "kind": Field(choice_of(*SESSION_KINDS)),
            "title": Field(values.text),
            "attendees": Field(values.count),
            "laws": Field(values.texts, optional=True, empty=()),
            "reached": Field(values.count, optional=True, empty=0),
            "materials": Field(values.count, optional=True, empty=0),
        }
        kind: str
        title: str
        attendees: int
        laws: tuple[str, ...] | None
        reached: int | None
        materials: int | None

        def apply_to(self, aggregate: Session) -> None:
            aggregate.kind = self.kind
