"""An import too large for one transaction, as the ledger remembers it: started with its first
transaction, completed with its last. One that was started and never completed was
interrupted: its earlier transactions are recorded, the rest is not, and importing the same
file again completes it (what is recorded is skipped as repeats).

An import that fits in one transaction is recorded whole or not at all, and leaves no trace
of its own.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

IMPORT_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/imports")


def import_uuid(digest: str) -> UUID:
    """The same file (the same lines, by their SHA-256) is the same import."""
    return uuid5(IMPORT_NAMESPACE, digest)


class FileImport(Aggregate):
    @staticmethod
    def create_id(digest: str, **_: object) -> UUID:
        return import_uuid(digest)

    @event("Started")
    def __init__(
        self, digest: str, lines: int, events: int, actor: str, townships: list[str]
    ) -> None:
        self.digest = digest
        self.lines = lines
        self.events = events
        self.actor = actor
        self.townships = townships
        self.completed = False

    def complete(self) -> None:
        if not self.completed:
            self._complete()

    @event("Completed")
    def _complete(self) -> None:
        self.completed = True
