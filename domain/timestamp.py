"""Trusted timestamps (RFC 3161): a timestamp authority's signed word that a hash existed at a
time, which someone who does not trust the installation's clock can check.

What is stamped is a SHA-256 the ledger already holds: a publication's (of its bytes), or a
township's chain head (its last link's hash). The tokens of one thing are an aggregate of
their own, whose id is ``uuid5`` of that thing (``publication/ID``, ``chain/TOWNSHIP``): a
publication gets one token; a township's chain one token a day for its head, when it moved.
Each token is kept as the authority answered it (its TimeStampResp, DER, in base64) with
what it stamps, when (its genTime, UTC) and by whom (the authority certificate's subject).
docs/audit.md, "Trusted timestamps".
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

TIMESTAMP_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/timestamps")
PUBLICATION = "publication"  # a token of a publication's bytes
CHAIN_HEAD = "chain_head"  # a token of a township's chain head


def publication_subject(publication_id: str) -> str:
    return f"publication/{publication_id}"


def chain_subject(township: str) -> str:
    return f"chain/{township}"


def timestamps_uuid(subject: str) -> UUID:
    return uuid5(TIMESTAMP_NAMESPACE, subject)


class Timestamps(Aggregate):
    """The tokens of one subject (a publication, or a township's chain), oldest first."""

    @staticmethod
    def create_id(subject: str, county: str, township: str | None) -> UUID:
        return timestamps_uuid(subject)

    @event("Opened")
    def __init__(self, subject: str, county: str, township: str | None) -> None:
        self.subject = subject
        self.county = county
        self.township = township
        self.tokens: list[dict[str, Any]] = []

    @event("Stamped")
    def stamp(
        self,
        kind: str,
        sha256: str,
        reply: str,
        stamped_at: str,
        authority: str,
        publication: str | None = None,
        township: str | None = None,
        link: int | None = None,
    ) -> None:
        # Assign state only: this runs again on every replay.
        self.tokens.append(
            {
                "kind": kind,
                "sha256": sha256,
                "reply": reply,
                "stamped_at": stamped_at,
                "authority": authority,
                "publication": publication,
                "township": township,
                "link": link,
            }
        )
