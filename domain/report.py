"""The township's own words for its annual report, the head's submission of the year's report,
and the county office's answer to it (accepted, or returned with a reason)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain import values
from domain.entry import Entry, Field
from domain.errors import RuleBroken


class ReportNarrative(Entry):
    """二、存在的问题 and 三、下一步打算: the latest narrative of a year is the one reported."""

    class Written(Entry.Recorded):
        TYPE = "report_narrative"
        FIELDS = {
            "year": Field(values.year),
            "problems": Field(values.text),
            "next_steps": Field(values.text),
        }
        year: int
        problems: str
        next_steps: str


class ReportSubmission(Entry):
    class Submitted(Entry.Recorded):
        TYPE = "report_submitted"
        FIELDS = {"year": Field(values.year)}
        year: int

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.year = self.year
            aggregate.answer = None

    class Accepted(Entry.Event):
        TYPE = "report_accepted"

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.answer = self

    class Returned(Entry.Event):
        TYPE = "report_returned"
        FIELDS = {"reason": Field(values.text)}
        reason: str

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.answer = self

    def check_follow_up(self, type_: str, occurred_on: date, fields: Mapping[str, Any]) -> None:
        if self.answer is not None:
            raise RuleBroken(
                f"the {self.year} report {self.entry_id} was already answered "
                f"({self.answer.TYPE}) on {self.answer.occurred_on}",
                field="id",
            )
