"""A township's hash chain: tamper evidence over every event of its entries.

Each link covers the entry events saved in one transaction (one command, or one batch of an
import): for each, its entry id, type, version and the SHA-256 of its canonical encoding; the
link holds the previous link's hash and its own. The chain is an aggregate (id: ``uuid5`` of
the township) saved in the same transaction as the events it covers, so two writers to the same
township at once conflict on the chain's version. docs/audit.md defines every byte.

The chain's state is its last link: the next link is built from the head alone, without
replaying the chain.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

CHAIN_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/chains")
GENESIS = "0" * 64  # the "previous" of a township's first link

Covered = list[Any]  # [entry id, type, version, sha256 of the event's canonical encoding]


@lru_cache(maxsize=4096)  # a uuid5 is a SHA-1: asked twice for every township's write
def chain_uuid(township: str) -> UUID:
    return uuid5(CHAIN_NAMESPACE, township)


class Chain(Aggregate):
    class Linked(Aggregate.Event):
        township: str
        covered: list[Covered]
        previous: str
        sha256: str

        def apply(self, aggregate: Any) -> None:
            aggregate.township = self.township
            aggregate.head = self.sha256

    class Started(Linked, Aggregate.Created):
        """The first link (the library creates the aggregate from it)."""


def link_body(township: str, version: int, previous: str, covered: list[Covered]) -> dict:
    """What a link's hash is the hash of (its canonical encoding): docs/audit.md."""
    return {"township": township, "link": version, "previous": previous, "events": covered}


def next_link(
    township: str, head: tuple[int, str] | None, covered: list[Covered], sha256: str
) -> Chain.Linked:
    """The link after ``head`` (its version and hash; None: the chain's first link), whose
    hash ``sha256`` the caller worked out from ``link_body``."""
    version, previous = head if head is not None else (0, GENESIS)
    kwargs: dict[str, Any] = {
        "originator_id": chain_uuid(township),
        "originator_version": version + 1,
        "timestamp": Chain.Linked.create_timestamp(),
        "township": township,
        "covered": covered,
        "previous": previous,
        "sha256": sha256,
    }
    if head is None:
        return Chain.Started(originator_topic=get_topic(Chain), **kwargs)
    return Chain.Linked(**kwargs)
