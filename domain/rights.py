"""A rights chain: tamper evidence over the events that change who holds which right where.

Each county has one (id: ``uuid5`` of the county's code), and the installation one of its own
(the counties themselves, administrators): every rights event (``domain.tenancy.RIGHTS_EVENTS``)
is saved in the same transaction as a link of its scope's chain, which covers it by aggregate
id, version and the SHA-256 of its canonical encoding (services/rights.py), and holds the
previous link's hash and its own, as a township's chain does for its entries (domain/chain.py).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

RIGHTS_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/rights")
GENESIS = "0" * 64
INSTALLATION = ""  # the scope of the installation's own chain

Covered = list[Any]  # [aggregate id, topic, version, sha256 of the event's canonical encoding]


def rights_chain_uuid(scope: str) -> UUID:
    return uuid5(RIGHTS_NAMESPACE, f"scope\x1f{scope}")


def link_body(scope: str, link: int, previous: str, covered: list[Covered]) -> dict:
    """What a link's hash is the hash of (its canonical encoding)."""
    return {"scope": scope, "link": link, "previous": previous, "events": covered}


class RightsChain(Aggregate):
    @event("Started")
    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.links = 0
        self.head = GENESIS

    @staticmethod
    def create_id(scope: str, **_: object) -> UUID:
        return rights_chain_uuid(scope)

    @event("Linked")
    def link(self, link: int, covered: list[Covered], previous: str, sha256: str) -> None:
        """The next link (its number, hash and ``previous`` worked out by the caller from
        ``link_body``, ``self.links + 1`` and ``self.head``)."""
        self.links = link
        self.head = sha256
