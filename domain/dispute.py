"""Disputes identified (排查矛盾纠纷) and their mediation (调解)."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field, choice_of
from domain.errors import RuleBroken

DISPUTE_SOURCES = ("screening", "hotline_12345", "petition", "volunteer", "other")
OUTCOMES = ("resolved", "failed")
MEDIATORS = ("mediation_committee", "legal_advisor", "volunteer", "other")


class Dispute(Entry):
    class Registered(Entry.Recorded):
        TYPE = "dispute_registered"
        FIELDS = {
            "source": Field(choice_of(*DISPUTE_SOURCES)),
            "category": Field(values.text),
        }
        source: str
        category: str

        def apply_to(self, aggregate: Dispute) -> None:
            aggregate.resolved_on = None

    class Mediated(Entry.Event):
        TYPE = "dispute_mediated"
        FIELDS = {
            "outcome": Field(choice_of(*OUTCOMES)),
            "mediator": Field(choice_of(*MEDIATORS)),
        }
        outcome: str
        mediator: str

        def apply_to(self, aggregate: Dispute) -> None:
            if self.outcome == "resolved":
                aggregate.resolved_on = self.occurred_on

    def closed_to(self, type_: str) -> RuleBroken | None:
        if type_ == self.Mediated.TYPE and self.resolved_on is not None:
            return RuleBroken(
                "dispute.already_resolved", field="id", id=self.entry_id, on=self.resolved_on
            )
        return None
