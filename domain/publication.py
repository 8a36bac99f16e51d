"""Publications: a document frozen as canonical JSON, bound to the log position, the indicators
in force and the townships' chain heads at that moment (DOMAIN.md "Audit").

The document's bytes are kept in the publication's event: ``publication ID`` gives them again,
byte for byte, whatever was recorded since. Each county keeps a register of its publications
(an aggregate whose id is ``uuid5`` of the county), saved in the same transaction.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

PUBLICATION_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/publications")
RANKING = "ranking"
REPORT = "report"


def register_uuid(county: str) -> UUID:
    return uuid5(PUBLICATION_NAMESPACE, county)


class Publication(Aggregate):
    @event("Published")
    def __init__(
        self,
        kind: str,
        county: str,
        township: str | None,
        period: str,
        document: str,
        sha256: str,
        position: int,
        published_at: str,
        published_by: str,
        chain_heads: dict[str, list[Any]],
    ) -> None:
        self.kind = kind
        self.county = county
        self.township = township
        self.period = period
        self.document = document  # canonical JSON text: its UTF-8 bytes are the publication
        self.sha256 = sha256
        self.position = position
        self.published_at = published_at
        self.published_by = published_by
        self.chain_heads = chain_heads  # township -> [link number, link hash]


class PublicationRegister(Aggregate):
    """A county's publications, in the order they were made."""

    @event("Opened")
    def __init__(self, county: str) -> None:
        self.county = county
        self.entries: list[dict[str, Any]] = []

    @staticmethod
    def create_id(county: str) -> UUID:
        return register_uuid(county)

    def register(self, publication: Publication) -> None:
        self._register(
            entry={
                "id": str(publication.id),
                "kind": publication.kind,
                "township": publication.township,
                "period": publication.period,
                "sha256": publication.sha256,
                "position": publication.position,
                "published_at": publication.published_at,
            }
        )

    @event("Registered")
    def _register(self, entry: dict[str, Any]) -> None:
        self.entries.append(entry)

    def latest(self, kind: str, period: str, township: str | None = None) -> dict | None:
        for entry in reversed(self.entries):
            if (entry["kind"], entry["period"], entry["township"]) == (kind, period, township):
                return entry
        return None
