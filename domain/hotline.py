"""Citizen-hotline (12345) cases transferred to the township, and their answers."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field
from domain.errors import RuleBroken


class HotlineCase(Entry):
    class Received(Entry.Recorded):
        TYPE = "hotline_case_received"

        def apply_to(self, aggregate: HotlineCase) -> None:
            aggregate.answered_on = None

    class Answered(Entry.Event):
        TYPE = "hotline_case_answered"
        FIELDS = {"resolved": Field(values.flag)}
        resolved: bool

        def apply_to(self, aggregate: HotlineCase) -> None:
            aggregate.answered_on = self.occurred_on

    def closed_to(self, type_: str) -> RuleBroken | None:
        if type_ == self.Answered.TYPE and self.answered_on is not None:
            return RuleBroken(
                "hotline.already_answered", field="id", id=self.entry_id, on=self.answered_on
            )
        return None
