"""SQLite writers of one machine's processes taking turns (``WritersTurn``), used by the
SQLite recorder of ``infra/recorders.py``."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator


class WritersTurn:
    """This machine's processes write an SQLite database one at a time, in turns taken on a lock
    on a file beside it (``<database>-writers``, like SQLite's ``-wal``).

    SQLite's own wait for its write lock (its busy timeout) sleeps 1, 2, 5, 10 ms and more
    between tries: with several gunicorn workers writing, a writer slept several times as long
    as the writer before it held the lock. A turn is tried again after at most 0.2 ms (a
    chained write holds it for about as long; waits of 1 ms cost the API a tenth of its rate
    with two workers), so the next writer goes on about as soon as the last one commits.
    SQLite's lock still guards the data; the turn only orders the writers, and past
    ``patience`` seconds a writer goes on without it (SQLite's own wait then decides). A
    process opens the file for itself (a lock on a descriptor inherited across a fork would be
    shared with the parent); within a process the library's writer lock already orders the
    threads."""

    FIRST_WAIT = 0.00005
    LONGEST_WAIT = 0.0002

    def __init__(self, path: str, patience: float) -> None:
        self.path = path
        self.patience = patience
        self._descriptor: int | None = None
        self._pid = 0

    @contextlib.contextmanager
    def taken(self) -> Iterator[None]:
        descriptor = self._open()
        deadline, wait = time.monotonic() + self.patience, self.FIRST_WAIT
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield  # SQLite's own lock, and its wait, decide
                    return
                time.sleep(wait)
                wait = min(wait * 2, self.LONGEST_WAIT)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def _open(self) -> int:
        if self._descriptor is None or self._pid != os.getpid():
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._descriptor
