"""The event-sourced application: one ordered log for the whole installation.

Every aggregate (counties, townships, users, every township's entries) is stored by this one
application, so county read models follow one sequence of notifications.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import Environment, get_topic

from domain.chain import Covered, chain_uuid
from domain.entry import Entry
from services.chains import Heads, Links
from services.recording import FENCE, Write, ledger_recorder


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


class LedgerApplication(Application[UUID]):
    name = "ledger"

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(env=dict(env))
        self.ledger_recorder = ledger_recorder(self.recorder)
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

        Every write goes through the ledger recorder (``services.recording``): each township
        whose entry events are saved gets the next link of its hash chain in the same
        transaction, made from the head as the store holds it once no other writer can write,
        so no entry event is stored unchained and writers to one township wait for each other
        instead of colliding on the chain. A write under ``FENCE`` raises ``FenceMoved`` and
        writes nothing if a fenced aggregate moved."""
        to_stored = self.mapper.to_stored_event
        stored = list(encoded) if encoded is not None else [to_stored(e) for e in events]
        links = Links(self.mapper, events, self._chain_heads, covered)
        fence = FENCE.get()
        known = self._chain_heads.known(links.chain_ids) if links and not fence else None
        ids = self.ledger_recorder.save(Write(stored, links, fence, known))
        self._chain_heads.saved(links)
        return ids[-1] if ids else None

    def chain_head(self, township: str) -> tuple[int, str] | None:
        """The township's last link (its version and hash), None before the first."""
        stored = self.recorder.select_events(chain_uuid(township), desc=True, limit=1)
        if not stored:
            return None
        link = self.mapper.to_domain_event(stored[0])
        return link.originator_version, link.sha256

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return EntryMapper(mapper.transcoder, mapper.compressor, mapper.cipher)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
