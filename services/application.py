"""The event-sourced application: one ordered log for the whole installation.

Every aggregate (counties, townships, users, every township's entries) is stored by this one
application, so county read models follow one sequence of notifications.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, StoredEvent, Transcoding
from eventsourcing.utils import Environment

from domain.chain import Covered
from services.chains import Heads, Links


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


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
        if not links:
            ids = self.recorder.insert_events(stored)
        else:
            insert = getattr(self.recorder, "insert_events_after", self._insert_events_after)
            ids = insert(stored, list(links.chain_ids), links)
            self._chain_heads.saved(links)
        return ids[-1] if ids else None

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

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
