"""Hash chains: the canonical encoding of entry events, and the links saved with them.

``links_for`` is called by ``LedgerApplication.save_events`` for every transaction: it adds one
link per township the transaction touches, so an entry event is never stored unchained. The
canonical encoding (docs/audit.md) is written with orjson for speed; ``tools/verify_export.py``
writes the same bytes with the standard library's ``json``, and a test holds the two together.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from domain.chain import GENESIS, Chain, Covered, chain_uuid, link_body, next_link
from domain.entry import Entry

if TYPE_CHECKING:
    from services.application import LedgerApplication


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


def head(app: LedgerApplication, township: str) -> tuple[int, str] | None:
    """The township's last link (its version and hash), None before the first."""
    stored = app.recorder.select_events(chain_uuid(township), desc=True, limit=1)
    if not stored:
        return None
    link = app.mapper.to_domain_event(stored[0])
    return link.originator_version, link.sha256


# A command (a save of a few events) takes its township's head from what this process last
# saved, when it has it: reading it costs a read transaction, a quarter of a command on SQLite.
# A head another process has moved since makes the store refuse the link (the same version
# twice): the heads are then forgotten, and the command, tried again, reads them.
CACHED_UP_TO = 20  # events in a save; a larger one (an import's batch) reads its heads


def links_for(app: LedgerApplication, events: Sequence[Any]) -> list[Chain.Linked]:
    """One new link per township whose entry events are in ``events`` (in their order)."""
    by_township: dict[str, list[Covered]] = {}
    for event in _entry_events(events):
        by_township.setdefault(event.township, []).append(covered(event))
    cached = _heads(app) if len(events) <= CACHED_UP_TO else {}
    links = []
    for township, items in by_township.items():
        last = cached[township] if township in cached else head(app, township)
        version, previous = last if last is not None else (0, GENESIS)
        digest = link_hash(township, version + 1, previous, items)
        links.append(next_link(township, last, items, digest))
    return links


def saved(app: LedgerApplication, links: Iterable[Chain.Linked]) -> None:
    """The links were stored: they are their townships' heads."""
    heads = _heads(app)
    for link in links:
        heads[link.township] = (link.originator_version, link.sha256)


def refused(app: LedgerApplication, links: Iterable[Chain.Linked]) -> None:
    """The save failed: what this process holds of these townships' heads may be stale."""
    heads = _heads(app)
    for link in links:
        heads.pop(link.township, None)


def _heads(app: Any) -> dict[str, tuple[int, str]]:
    heads = getattr(app, "_chain_heads", None)
    if heads is None:
        heads = app._chain_heads = {}
    return heads


def _entry_events(events: Iterable[Any]) -> Iterable[Entry.Event]:
    return (e for e in events if isinstance(e, Entry.Event))
