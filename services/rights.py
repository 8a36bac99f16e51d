"""Rights events linked into their scope's chain as they are saved; who held which right
where at a moment; and ``verify``'s check of the rights chains (domain/rights.py).

An event's hash is the SHA-256 of the canonical encoding (services/chains.py) of
``{"id", "version", "topic", "recorded_at", "fields"}``: its aggregate's id, its version, its
class's topic, when it was recorded (UTC, microseconds) and its own fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.errors import Conflict
from domain.rights import GENESIS, RightsChain, link_body, rights_chain_uuid
from domain.tenancy import RIGHTS_EVENTS, User, user_uuid
from services.application import LedgerApplication
from services.chains import canonical, recorded_at, sha256

RIGHTS_TOPICS = frozenset(get_topic(cls) for cls in RIGHTS_EVENTS)
LEDGER_KEYS = ("originator_id", "originator_version", "timestamp", "originator_topic")


def event_hash(event: Any) -> str:
    fields = {k: v for k, v in vars(event).items() if k not in LEDGER_KEYS}
    body = {
        "id": str(event.originator_id),
        "version": event.originator_version,
        "topic": get_topic(type(event)),
        "recorded_at": recorded_at(event.timestamp),
        "fields": fields,
    }
    return sha256(canonical(body))


def is_rights_event(event: Any) -> bool:
    return get_topic(type(event)) in RIGHTS_TOPICS


def covered(event: Any) -> list[Any]:
    topic = get_topic(type(event))
    return [str(event.originator_id), topic, event.originator_version, event_hash(event)]


def link_hash(scope: str, link: int, previous: str, items: list[Any]) -> str:
    return sha256(canonical(link_body(scope, link, previous, items)))


class Rights:
    def __init__(self, app: LedgerApplication) -> None:
        self.app = app

    def save(self, scope: str, *aggregates: Any) -> None:
        """Save the aggregates with a link of ``scope``'s rights chain covering their rights
        events, in one transaction. A chain moved by another writer meanwhile: nothing is
        saved, and the caller is told to try again."""
        items = [covered(e) for a in aggregates for e in a.pending_events if is_rights_event(e)]
        link = self._next_link(scope, items) if items else None
        try:
            self.app.save(*aggregates, *([link] if link is not None else []))
        except IntegrityError:
            raise Conflict("rights.changed_meanwhile") from None

    def _next_link(self, scope: str, items: list[Any]) -> Any:
        """The link after the chain's last (read alone: the chain is never replayed whole),
        or a new chain holding its first link."""
        chain_id = rights_chain_uuid(scope)
        stored = self.app.recorder.select_events(chain_id, desc=True, limit=1)
        if not stored:
            chain = RightsChain(scope=scope)
            chain.link(
                link=1, covered=items, previous=GENESIS, sha256=link_hash(scope, 1, GENESIS, items)
            )
            return chain
        last = self.app.mapper.to_domain_event(stored[0])
        number, previous = getattr(last, "link", 0) + 1, getattr(last, "sha256", GENESIS)
        return RightsChain.Linked(
            originator_id=chain_id,
            originator_version=last.originator_version + 1,
            timestamp=RightsChain.Linked.create_timestamp(),
            link=number,
            covered=items,
            previous=previous,
            sha256=link_hash(scope, number, previous, items),
        )

    def covered_of(self, scope: str, kind: type) -> list[UUID]:
        """The aggregates of class ``kind`` the scope's chain covers, in the order it first
        covered them: a county's users, the installation's counties (each is added, and
        changed, with a link of its scope's chain), without reading the whole log."""
        prefix = get_topic(kind) + "."
        found: dict[UUID, None] = {}
        for link in self.app.events.get(rights_chain_uuid(scope)):
            for aggregate_id, topic, _version, _digest in getattr(link, "covered", ()):
                if topic.startswith(prefix):
                    found.setdefault(UUID(aggregate_id))
        return list(found)

    def user_at(self, username: str, moment: datetime) -> User | None:
        """The user as they stood at ``moment`` (None: not yet added)."""
        user = None
        for event in self.app.events.get(user_uuid(username)):
            if event.timestamp > moment:
                break
            user = event.mutate(user)
        return user


@dataclass(frozen=True)
class RightsFinding:
    position: int
    what: str
    kind: str  # rights_altered, rights_missing, rights_uncovered, rights_link_broken


def check_rights(
    links: Iterable[tuple[int, Any]], events: dict[tuple[UUID, int], tuple[int, Any]]
) -> list[RightsFinding]:
    """The rights chains' links (position, link event) against the rights events the scan
    read (by aggregate id and version: position, event): each link follows the one before
    and hashes to what it says; each event it covers is there and unaltered; no rights event
    of an aggregate a chain covers is left out of it (an event from before the chains, an
    ``Added`` with no ``by``, is taken as it was)."""
    findings: list[RightsFinding] = []
    heads: dict[UUID, str] = {}
    seen: set[tuple[UUID, int]] = set()
    known: set[UUID] = set()
    scopes: dict[UUID, str] = {}
    for position, link in links:
        if not hasattr(link, "covered"):  # the chain's start
            scopes[link.originator_id] = link.scope
            continue
        previous = heads.get(link.originator_id, "0" * 64)
        scope = scopes.get(link.originator_id, "")
        expected = link_hash(scope, link.link, link.previous, link.covered)
        if link.previous != previous or link.sha256 != expected:
            findings.append(
                RightsFinding(position, f"rights link {link.link} does not match", "rights_link")
            )
        heads[link.originator_id] = link.sha256
        for aggregate_id, topic, version, digest in link.covered:
            key = (UUID(aggregate_id), version)
            seen.add(key)
            known.add(key[0])
            found = events.get(key)
            if found is None:
                findings.append(
                    RightsFinding(
                        position,
                        f"rights event {aggregate_id} v{version} is gone",
                        "rights_missing",
                    )
                )
            elif event_hash(found[1]) != digest or get_topic(type(found[1])) != topic:
                findings.append(
                    RightsFinding(
                        found[0],
                        f"rights event {aggregate_id} v{version} was altered",
                        "rights_altered",
                    )
                )
    for key, (position, event) in events.items():
        if key in seen or key[0] not in known:
            continue
        if type(event).__name__ == "Added" and "by" not in vars(event):
            continue
        findings.append(
            RightsFinding(
                position,
                f"rights event {key[0]} v{key[1]} is in no rights chain",
                "rights_uncovered",
            )
        )
    return findings
