"""The evidence store: files by their SHA-256, each stored once and never deleted.

A port the services call (``EvidenceStore``), implemented by infra for a directory
(``infra/evidence_store.py``) and here in memory, for the tests and the in-memory ledger.
A key is a file's SHA-256 (64 lowercase hexadecimal digits), or that followed by ``.SUFFIX``
for what is made from the file and kept beside it (its thumbnail: ``thumbnail_key``).

The bytes are stored before the event that names them is recorded: a file without an event is
harmless; an event without its file is what ``verify`` reports.
"""

from __future__ import annotations

import re
import threading
from abc import ABC, abstractmethod

KEY = re.compile(r"[0-9a-f]{64}(\.[a-z]{1,16})?")


def thumbnail_key(sha256: str) -> str:
    return f"{sha256}.thumbnail"


def check_key(key: str) -> str:
    """A key as the store takes it (never a path of its own: no '/' or '..' gets through)."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValueError(f"not an evidence key: {key!r}")
    return key


class EvidenceStore(ABC):
    @abstractmethod
    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` unless something is stored there already (the same
        bytes, since keys are their hashes): nothing stored is ever replaced or deleted."""

    @abstractmethod
    def get(self, key: str) -> bytes | None:
        """The bytes stored under ``key`` as they are now (None: nothing there)."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...


class InMemoryEvidence(EvidenceStore):
    """Files in this process's memory (the in-memory ledger, and the tests)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self.files.setdefault(check_key(key), bytes(data))

    def get(self, key: str) -> bytes | None:
        return self.files.get(check_key(key))

    def exists(self, key: str) -> bool:
        return check_key(key) in self.files
