"""Citizen-hotline (12345) cases transferred to the township, and their answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

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

    def check_follow_up(self, type_: str, occurred_on: date, fields: Mapping[str, Any]) -> None:
        if self.answered_on is not None:
            raise RuleBroken(
                "hotline.already_answered", field="id", id=self.entry_id, on=self.answered_on
            )
