"""Which projection worker projects, when several follow one database (on several hosts, or
beside each ``serve``): the one holding a lock that the operating system or the database
releases when its holder ends, however it ends (SIGTERM, kill -9, a lost connection). The
others ask again at each poll and one of them takes over.

PostgreSQL: a session advisory lock, keyed by the schema the ledger is in, on a connection of
the worker's own. SQLite: ``flock`` on a file beside the database (one machine). Correctness
does not rest on this lock: the position's compare-and-set in every page's transaction keeps
two workers from storing one page twice; the lock keeps them from computing it twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger("ledger.projection")

# PostgreSQL's two-key advisory lock: this class (any fixed 32-bit number), the schema's hash.
PROJECTOR_LOCK_CLASS = 0x4C45_4447  # "LEDG"
KEEPALIVES = (
    "SET tcp_keepalives_idle = 10",
    "SET tcp_keepalives_interval = 5",
    "SET tcp_keepalives_count = 3",
)


class AdvisoryLeadership:
    """Leads while it holds PostgreSQL's advisory lock on its own connection."""

    def __init__(self, connect: Callable[[], Any]) -> None:
        self._connect = connect
        self._connection: Any = None
        self._held = False

    def __call__(self) -> bool:
        try:
            if self._connection is None:
                self._connection = self._connect()
                self._connection.autocommit = True
                # A leader whose host vanished holds the lock until the server notices that
                # its connection is dead: with these, within about half a minute.
                for setting in KEEPALIVES:
                    self._connection.execute(setting)
            if self._held:
                self._connection.execute("SELECT 1")  # the lock lives as long as this session
            else:
                self._held = self._connection.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))",
                    (PROJECTOR_LOCK_CLASS,),
                ).fetchone()[0]
        except Exception as error:  # the server is away: lead no more, ask again next poll
            if self._held or self._connection is not None:
                log.warning("the database cannot be reached: %s", type(error).__name__)
            self.release()
        return self._held

    def release(self) -> None:
        self._held = False
        if self._connection is not None:
            with contextlib.suppress(Exception):  # a connection already gone
                self._connection.close()  # ends the session, and so the lock
            self._connection = None


class FileLeadership:
    """Leads while it holds ``flock`` on ``path`` (SQLite: every worker is on this machine)."""

    def __init__(self, path: str) -> None:
        self._path = Path(path)
        self._file: Any = None

    def __call__(self) -> bool:
        if self._file is None:
            handle = self._path.open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # and with it the lock
            self._file = None
