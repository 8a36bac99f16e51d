"""The ledger's recorder: the one interface every write of ``LedgerApplication.save_events``
goes through, implemented in infra for SQLite and PostgreSQL (``infra/recorders.py``,
``infra/postgres_recorder.py``) and here for the library's in-memory store.

A ``Write`` is one transaction: its events, encoded as they will be stored, and what the store
adds or checks inside the transaction once no other writer can write:

- the next link of the hash chain of each township whose entry events it stores
  (``services.chains.Links``), made from the chain's head as the store holds it then;
- the fence: aggregates that must still be at the versions a command's rights were granted
  on (an API token and its user, ``FENCE``); if one moved, nothing is written and
  ``FenceMoved`` is raised.

A recorder reads the last stored events of ``write.heads`` inside its write transaction and
inserts ``write.rows(last)``. A recorder may also write without reading, when this process
knows every chain's head (``write.known``: it saved their last links) and the store can write
on condition that they are still the heads (SQLite); where they are not, it reads them.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, StoredEvent
from eventsourcing.popo import POPOApplicationRecorder

from services.chains import Links

# Aggregates (id, version) a write's rights were granted on: a token and its user, read once and
# kept (``Tokens.acting``). A write made while this is set is fenced by them (``Write.fence``).
FENCE: ContextVar[tuple[tuple[UUID, int], ...]] = ContextVar("fence", default=())


class FenceMoved(Exception):
    """A fenced write found an aggregate of its fence moved: nothing was written."""


@dataclass(frozen=True)
class Write:
    """The events of one transaction, and the links and fence the store completes it with."""

    events: Sequence[StoredEvent]
    links: Links
    fence: tuple[tuple[UUID, int], ...] = ()
    # Each chain's head (its version and hash) as this process saved it last, when it knows
    # every chain's and the write has no fence; else None.
    known: Mapping[UUID, tuple[int, str]] | None = None

    @property
    def heads(self) -> list[UUID]:
        """The aggregates whose last stored event the store reads inside its transaction."""
        return [*self.links.chain_ids, *(originator_id for originator_id, _ in self.fence)]

    def rows(self, last: Mapping[UUID, StoredEvent]) -> list[StoredEvent]:
        """Everything to insert, given the last stored event of each of ``heads`` (absent:
        none stored): the events, then the chains' links. Raises ``FenceMoved`` if an
        aggregate of the fence is not at its version."""
        for originator_id, version in self.fence:
            stored = last.get(originator_id)
            if stored is None or stored.originator_version != version:
                raise FenceMoved(originator_id)
        return [*self.events, *self.links(last)] if self.links else list(self.events)

    def rows_after_known(self) -> list[StoredEvent]:
        """Everything to insert if the chains' heads are still ``known``."""
        assert self.known is not None
        return [*self.events, *self.links.after(self.known)]


class LedgerRecorder(ABC):
    """What the application writes through, and the one query it adds to the library's."""

    @abstractmethod
    def save(self, write: Write) -> Sequence[int]:
        """Store ``write`` in one transaction; the log positions of its rows, in order."""

    @abstractmethod
    def select_events_of(
        self, originator_ids: Sequence[UUID], *, last: bool = False
    ) -> dict[UUID, list[StoredEvent]]:
        """The stored events of many aggregates (those with none are left out), in order;
        ``last``: each one's last event only."""

    @abstractmethod
    def versions_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, int]:
        """The version of each aggregate's last event (those with none are left out), without
        reading any event (a chain's last link after an import covers thousands)."""


class InMemoryRecorder(LedgerRecorder):
    """The library's in-memory store (one process): writers take turns reading the heads and
    writing."""

    def __init__(self, recorder: POPOApplicationRecorder) -> None:
        self.recorder = recorder
        self._lock = threading.Lock()

    def save(self, write: Write) -> Sequence[int]:
        with self._lock:
            last = {}
            for originator_id in write.heads:
                found = self.recorder.select_events(originator_id, desc=True, limit=1)
                if found:
                    last[originator_id] = found[0]
            return self.recorder.insert_events(write.rows(last)) or []

    def select_events_of(
        self, originator_ids: Sequence[UUID], *, last: bool = False
    ) -> dict[UUID, list[StoredEvent]]:
        limit = {"desc": True, "limit": 1} if last else {}
        found = {i: list(self.recorder.select_events(i, **limit)) for i in originator_ids}
        return {i: events for i, events in found.items() if events}

    def versions_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, int]:
        found = self.select_events_of(originator_ids, last=True)
        return {i: events[-1].originator_version for i, events in found.items()}


def ledger_recorder(recorder: ApplicationRecorder) -> LedgerRecorder:
    """The ledger recorder of the application's store: infra's, or the in-memory one."""
    if isinstance(recorder, LedgerRecorder):
        return recorder
    if isinstance(recorder, POPOApplicationRecorder):
        return InMemoryRecorder(recorder)
    raise TypeError(
        f"{type(recorder).__qualname__} is not a ledger recorder: open the ledger with the"
        " settings of infra.settings.event_store_env"
    )
