"""SQLite writers of one machine's processes taking turns (``WritersTurn``), used by the
SQLite recorder of ``infra/recorders.py``."""

from __future__ import annotations

import fcntl
import os
import time


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

    def taken(self) -> Taken:
        """The turn, held while the ``with`` block that takes it runs."""
        return Taken(self)

    def take(self) -> bool:
        """Wait for the turn; False: ``patience`` ran out first (SQLite's own lock, and its
        wait, decide)."""
        descriptor = self._open()
        deadline, wait = time.monotonic() + self.patience, self.FIRST_WAIT
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() > deadline:
                    return False
                time.sleep(wait)
                wait = min(wait * 2, self.LONGEST_WAIT)

    def give_up(self) -> None:
        fcntl.flock(self._open(), fcntl.LOCK_UN)

    def _open(self) -> int:
        if self._descriptor is None or self._pid != os.getpid():
            self._descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            self._pid = os.getpid()
        return self._descriptor


class Taken:
    """A ``with`` block's turn (a class, not a generator: ~2 µs less a write)."""

    __slots__ = ("turn", "held")

    def __init__(self, turn: WritersTurn) -> None:
        self.turn = turn
        self.held = False

    def __enter__(self) -> None:
        self.held = self.turn.take()

    def __exit__(self, *_: object) -> None:
        if self.held:
            self.turn.give_up()
