"""Problems found (usually by an inspection) and their rectification (发现问题 / 督促整改)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from domain import values
from domain.entry import Entry, Field
from domain.errors import RuleBroken


class Issue(Entry):
    class Found(Entry.Recorded):
        TYPE = "issue_found"
        FIELDS = {
            "category": Field(values.text),
            "description": Field(values.long_text),
            "deadline": Field(values.deadline),
            "inspection": Field(values.entry_id, optional=True),
        }
        category: str
        description: str
        deadline: date
        inspection: str | None

        def apply_to(self, aggregate: Issue) -> None:
            aggregate.deadline = self.deadline
            aggregate.inspection_id = self.inspection
            aggregate.rectified_on = None

    class Rectified(Entry.Event):
        TYPE = "issue_rectified"

        def apply_to(self, aggregate: Issue) -> None:
            aggregate.rectified_on = self.occurred_on

    @classmethod
    def check_new(cls, occurred_on: date, fields: Mapping[str, Any]) -> None:
        if fields["deadline"] < occurred_on:
            raise RuleBroken("issue.deadline_before_found", field="deadline", on=occurred_on)

    def closed_to(self, type_: str) -> RuleBroken | None:
        if type_ == self.Rectified.TYPE and self.rectified_on is not None:
            return RuleBroken(
                "issue.already_rectified", field="id", id=self.entry_id, on=self.rectified_on
            )
        return None
