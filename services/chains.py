"""Hash chains: the canonical encoding of entry events, and the links saved with them.

``LedgerApplication.save_events`` adds to every transaction one link per township whose entry
events it saves (``Links``, part of the ledger recorder's ``Write``: services/recording.py),
so an entry event is never stored unchained. The canonical encoding (docs/audit.md) is
written with orjson for speed; ``tools/verify_export.py`` writes the same bytes with the
standard library's ``json``, and a test holds the two together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from domain.chain import GENESIS, Chain, Covered, chain_uuid, link_body, next_link
from domain.entry import Entry


def canonical(value: Any) -> bytes:
    """UTF-8 JSON, keys sorted, no whitespace, non-ASCII characters as themselves."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def recorded_at(moment: datetime) -> str:
    """The recording time as the chain writes it: UTC, ISO 8601, always with microseconds."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def event_body(event: Entry.Event) -> dict[str, Any]:
    """What an entry event's hash is the hash of (docs/audit.md, "The events"). Dates stay
    dates and sequences tuples here: the canonical encoding writes them as ISO text and arrays
    (run for every event recorded: written for speed, a little)."""
    return {
        "township": event.township,
        "entry_id": event.entry_id,
        "version": event.originator_version,
        "type": event.TYPE,
        "occurred_on": event.occurred_on,
        "actor": event.actor,
        "recorded_at": _moment(event.timestamp),
        "fields": {n: v for n in event.FIELDS if (v := getattr(event, n)) is not None},
    }


def _moment(moment: datetime) -> datetime | str:
    """A UTC moment with microseconds is left for orjson to write (the same text as
    ``recorded_at``, ten times faster); any other, written here."""
    return moment if moment.microsecond and moment.tzinfo is UTC else recorded_at(moment)


def event_hash(event: Entry.Event) -> str:
    return sha256(canonical(event_body(event)))


def covered(event: Entry.Event) -> Covered:
    return [event.entry_id, event.TYPE, event.originator_version, event_hash(event)]


def link_hash(township: str, version: int, previous: str, items: list[Covered]) -> str:
    return sha256(canonical(link_body(township, version, previous, items)))


class Heads:
    """The links this process has saved, by chain (its last of each): a chain's head read in a
    write transaction at a version found here is that link, and needs no decoding (a chain's
    versions are unique). Anything else is decoded."""

    def __init__(self) -> None:
        self._saved: dict[UUID, tuple[int, str]] = {}

    def of(self, mapper: Any, stored: StoredEvent) -> tuple[int, str]:
        """The version and hash of the link ``stored``."""
        saved = self._saved.get(stored.originator_id)  # type: ignore[arg-type]
        if saved is not None and saved[0] == stored.originator_version:
            return saved
        link = mapper.to_domain_event(stored)
        return link.originator_version, link.sha256

    def saved(self, links: Links) -> None:
        """``links`` were committed."""
        self._saved.update(links.made)

    def known(self, chain_ids: Iterable[UUID]) -> dict[UUID, tuple[int, str]] | None:
        """The last link this process saved of each chain; None if it saved none of one."""
        known = {}
        for chain_id in chain_ids:
            saved = self._saved.get(chain_id)
            if saved is None:
                return None
            known[chain_id] = saved
        return known


STARTED, LINKED, CHAIN = get_topic(Chain.Started), get_topic(Chain.Linked), get_topic(Chain)


class Links:
    """The links one transaction's entry events need: one per township they belong to, after
    its head. The events are hashed here, before the transaction, and what each link holds
    but its number and ``previous`` is encoded here too; the links are made by calling this
    with the townships' last links, which the store reads inside its write transaction once no
    other writer can move them (``LedgerApplication.save_events``).

    A link is stored as the library's mapper would store its ``Chain.Linked`` event, byte for
    byte (tests/unit/test_chain.py), but written here from the encoded parts: its ``events``
    are encoded once, for its hash and for storing, with orjson (the mapper's ``json`` took
    ~20 µs for a command's link, ~80 % of an import's link time, while no other writer could
    write). A mapper that compresses or encrypts stores its own way."""

    def __init__(
        self,
        mapper: Any,
        events: Sequence[Any],
        heads: Heads,
        known: Mapping[tuple[UUID, int], Covered] | None = None,
    ) -> None:
        """``known``: events' ``covered`` items already worked out, by aggregate id and
        version (the services hash each entry event as they check it can be stored)."""
        self.mapper = mapper
        self.heads = heads
        self.covered: dict[str, list[Covered]] = {}
        known = known or {}
        for event in _entry_events(events):
            item = known.get((event.originator_id, event.originator_version))
            self.covered.setdefault(event.township, []).append(item or covered(event))
        self.chain_ids = {chain_uuid(township): township for township in self.covered}
        self.made: dict[UUID, tuple[int, str]] = {}  # by the last call: each chain's new head
        self.direct = mapper.compressor is None and mapper.cipher is None
        # Each township's name and its link's ``events``, encoded (lists of strings and
        # integers: the canonical encoding and the mapper's alike).
        self.encoded = {t: (canonical(t), canonical(items)) for t, items in self.covered.items()}

    def __bool__(self) -> bool:
        return bool(self.covered)

    def __call__(self, last: Mapping[UUID, StoredEvent]) -> list[StoredEvent]:
        """The new links, encoded for storing, given each chain's last stored link (absent:
        the township has none yet)."""
        heads = {}
        for chain_id in self.chain_ids:
            stored = last.get(chain_id)
            heads[chain_id] = None if stored is None else self.heads.of(self.mapper, stored)
        return self.after(heads)

    def after(self, heads: Mapping[UUID, tuple[int, str] | None]) -> list[StoredEvent]:
        """The new links, encoded for storing, after each chain's head (its version and hash;
        None: the township has none yet)."""
        links, self.made = [], {}
        for chain_id, township in self.chain_ids.items():
            head = heads[chain_id]
            version, previous = head if head is not None else (0, GENESIS)
            name, events = self.encoded[township]
            tail = b'"previous":"%s"' % previous.encode()
            body = b'{"events":%s,"link":%d,%s,"township":%s}' % (events, version + 1, tail, name)
            digest = sha256(body)  # link_hash's, the parts encoded once
            if self.direct:
                links.append(self._stored(chain_id, version + 1, name, events, tail, digest))
            else:
                link = next_link(township, head, self.covered[township], digest)
                links.append(self.mapper.to_stored_event(link))
            self.made[chain_id] = (version + 1, digest)
        return links

    @staticmethod
    def _stored(
        chain_id: UUID, version: int, name: bytes, events: bytes, tail: bytes, digest: str
    ) -> StoredEvent:
        """What the mapper stores for the link's event (``next_link``): its fields in their
        order, the timestamp as the library's ``datetime_iso`` transcoding writes it."""
        moment = Chain.Linked.create_timestamp().isoformat().encode()
        state = b'{"timestamp":{"_type_":"datetime_iso","_data_":"%s"},' % moment
        if version == 1:
            state += b'"originator_topic":"%s",' % CHAIN.encode()
        state += b'"township":%s,"covered":%s,%s,"sha256":"%s"}' % (
            name,
            events,
            tail,
            digest.encode(),
        )
        return StoredEvent(chain_id, version, STARTED if version == 1 else LINKED, state)


def _entry_events(events: Iterable[Any]) -> Iterable[Entry.Event]:
    return (e for e in events if isinstance(e, Entry.Event))
