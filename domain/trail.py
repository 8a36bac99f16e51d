"""The audit trail: what auditors looked at (an export, a verification, a query as of a
moment, a history), kept per county so that the county sees who looked at what."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

TRAIL_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/audit-trails")


def trail_uuid(county: str) -> UUID:
    return uuid5(TRAIL_NAMESPACE, county)


class AuditTrail(Aggregate):
    @event("Opened")
    def __init__(self, county: str) -> None:
        self.county = county
        self.looks: list[dict[str, Any]] = []

    @staticmethod
    def create_id(county: str) -> UUID:
        return trail_uuid(county)

    class Looked(Aggregate.Event):
        actor: str
        action: str
        subject: str

        def apply(self, aggregate: Any) -> None:
            """Assign state only: this runs again on every replay."""
            aggregate.looks.append(
                {
                    "at": self.timestamp,
                    "actor": self.actor,
                    "action": self.action,
                    "subject": self.subject,
                }
            )

    def look(self, *, actor: str, action: str, subject: str) -> None:
        self.trigger_event(self.Looked, actor=actor, action=action, subject=subject)

    @classmethod
    def next_look(
        cls, county: str, *, after: int, actor: str, action: str, subject: str
    ) -> AuditTrail.Looked:
        """The look that follows version ``after`` of the county's trail, made without
        replaying the trail: it only grows (every page an auditor opens adds to it), and a
        look needs nothing of what it holds. Saved with the version, it is refused as any
        event is when another look took that version first."""
        return cls.Looked(
            originator_id=trail_uuid(county),
            originator_version=after + 1,
            timestamp=cls.Looked.create_timestamp(),
            actor=actor,
            action=action,
            subject=subject,
        )
