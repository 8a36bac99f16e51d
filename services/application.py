"""The event-sourced application: one ordered log for the whole installation.

Every aggregate (counties, townships, users, every township's entries) is stored by this one
application, so county read models follow one sequence of notifications.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import date
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import Environment, get_topic

from domain.chain import Covered
from domain.entry import Entry
from services.chains import Heads, Links


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EntryMapper(Mapper[UUID]):
    """The library's mapper, which encodes an entry's events with orjson: the same bytes as
    the library's ``json`` (tests/unit/test_mapper.py), four to five times as fast, for the
    events every command and every imported line store. An entry event holds only what
    ``domain.values`` lets in (text, whole numbers, flags, dates, lists of text): orjson writes
    those as ``json`` does; the dates, and the recording time, go to the library's own
    transcodings. Any other event, or one orjson refuses, is the library's to encode."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        transcoder = self.transcoder
        if not isinstance(domain_event, Entry.Event) or type(transcoder) is not JSONTranscoder:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        originator_id = state.pop("originator_id")
        originator_version = state.pop("originator_version")
        class_version = getattr(type(domain_event), "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        try:
            data = orjson.dumps(
                state, default=transcoder._encode_obj, option=orjson.OPT_PASSTHROUGH_DATETIME
            )
        except orjson.JSONEncodeError:
            return super().to_stored_event(domain_event)
        # orjson's bytes keep the 4 KiB it wrote them into, whatever their length: an import
        # holds every line's event until it writes them, and held 2.4 times the memory.
        data = bytes(memoryview(data))
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(originator_id, originator_version, get_topic(type(domain_event)), data)


# Aggregates (id, version) a write's rights were granted on: a token and its user, read once and
# kept (``Tokens.acting``). A write made while this is set checks, inside its transaction, that
# each is still at that version, as it reads the chains' heads; if one moved (the token revoked,
# all the user's tokens revoked, the password changed), nothing is written and
# ``CredentialsChanged`` is raised.
FENCE: ContextVar[tuple[tuple[UUID, int], ...]] = ContextVar("fence", default=())


class CredentialsChanged(Exception):
    """A fenced write found an aggregate of ``FENCE`` moved: nothing was written."""


class LedgerApplication(Application[UUID]):
    name = "ledger"

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(env=dict(env))
        self._write_lock = threading.Lock()
        self._chain_heads = Heads()

    def construct_env(self, name: str, env: Mapping[str, Any] | None = None) -> Environment:
        # Configuration comes only from the settings passed in (never os.environ here).
        return Environment(name, dict(env or {}))

    def save_events(
        self,
        events: Sequence[Any],
        encoded: Sequence[StoredEvent] | None = None,
        covered: Mapping[tuple[UUID, int], Covered] | None = None,
    ) -> int | None:
        """``save(*events)`` without its check that each object is a domain event (a
        runtime-checkable Protocol: ~6 µs an event on Python 3.11, a tenth of an import).
        Given events alone, ``save`` takes no snapshots and caches no aggregates either: it
        stores them and calls the notification hooks, which this application leaves empty.
        ``encoded``: the events as already encoded for storing (an import encodes each line's
        while checking it); ``covered``: entry events' hashes already worked out, by
        aggregate id and version. Returns the last log position written (None: nothing
        written).

        Each township whose entry events are saved gets the next link of its hash chain in the
        same transaction (``services.chains``): no entry event is stored unchained. The link
        is made inside the store's write transaction, after its lock (``insert_events_after``
        on the recorders of ``infra/recorders.py``), from the head read there: writers to one
        township wait for each other instead of colliding on the chain."""
        to_stored = self.mapper.to_stored_event
        stored = list(encoded) if encoded is not None else [to_stored(e) for e in events]
        links = Links(self.mapper, events, self._chain_heads, covered)
        fence = FENCE.get()
        if links and not fence:
            ids = self._insert_after_known_heads(stored, links)
            if ids is not None:
                return ids[-1]
        insert = getattr(self.recorder, "insert_events_after", None)
        if insert is None and not links and not fence:
            ids = self.recorder.insert_events(stored)
        else:  # every write the same way where the recorder has one (chained or not)
            insert = insert or self._insert_events_after
            heads = [*links.chain_ids, *(originator_id for originator_id, _ in fence)]
            ids = insert(stored, heads, _fenced(links, fence) if fence else links)
            self._chain_heads.saved(links)
        return ids[-1] if ids else None

    def _insert_after_known_heads(
        self, stored: Sequence[StoredEvent], links: Links
    ) -> Sequence[int] | None:
        """Write ``stored`` and their links after the chains' heads this process saved last,
        without reading them, where the recorder can write on condition that they are still
        the heads (``insert_events_if_at``). None: not written (a head unknown here, or
        moved: another process wrote to the township since), for the other way to write."""
        insert = getattr(self.recorder, "insert_events_if_at", None)
        known = None if insert is None else self._chain_heads.known(links.chain_ids)
        if known is None:
            return None
        versions = {chain_id: version for chain_id, (version, _) in known.items()}
        ids = insert(stored, versions, lambda: links.after(known))
        if ids is not None:
            self._chain_heads.saved(links)
        return ids

    def _insert_events_after(
        self,
        stored: Sequence[StoredEvent],
        heads: Sequence[UUID],
        extend: Callable[[Mapping[UUID, StoredEvent]], Sequence[StoredEvent]],
    ) -> Sequence[int] | None:
        """For a recorder without ``insert_events_after`` (the library's in-memory store, one
        process): this process's writers take turns reading the heads and writing."""
        with self._write_lock:
            last = {}
            for originator_id in heads:
                found = self.recorder.select_events(originator_id, desc=True, limit=1)
                if found:
                    last[originator_id] = found[0]
            return self.recorder.insert_events([*stored, *extend(last)])

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return EntryMapper(mapper.transcoder, mapper.compressor, mapper.cipher)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())


def _fenced(
    extend: Callable[[Mapping[UUID, StoredEvent]], Sequence[StoredEvent]],
    fence: Sequence[tuple[UUID, int]],
) -> Callable[[Mapping[UUID, StoredEvent]], Sequence[StoredEvent]]:
    """``extend``, once every aggregate of ``fence`` is found at its version."""

    def checked(last: Mapping[UUID, StoredEvent]) -> Sequence[StoredEvent]:
        for originator_id, version in fence:
            stored = last.get(originator_id)
            if stored is None or stored.originator_version != version:
                raise CredentialsChanged(originator_id)
        return extend(last)

    return checked
