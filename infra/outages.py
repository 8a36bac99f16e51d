"""The database away for a moment (a restart, a failover, a lock held too long): the errors
that say so, whichever driver or layer raised them. A request that meets one is answered 503
(send it again); the projection worker waits and goes on."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

T = TypeVar("T")
log = logging.getLogger("ledger.outages")
# gunicorn kills a worker silent for its timeout (60 s, infra/gunicorn_conf.py), booting or not.
STARTING_PATIENCE = 45.0  # seconds

# The library's own (it translates its drivers' errors) and the drivers' that the read model
# and the sign-in throttle meet directly.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)


def unavailable(error: BaseException) -> bool:
    """Is ``error`` the database being away, rather than a fault of the program? (SQLite says
    both with one class: only its lock is an outage.)"""
    if isinstance(error, sqlite3.OperationalError):
        return "locked" in str(error) or "busy" in str(error)
    return isinstance(error, UNAVAILABLE)


def patiently(open_: Callable[[], T], *, seconds: float = STARTING_PATIENCE) -> T:
    """``open_()``, tried again while the database is away, for up to ``seconds``: a gunicorn
    worker started during an outage (replacing one that died) waits for the database rather
    than fail to boot, which would stop gunicorn altogether."""
    deadline = time.monotonic() + seconds
    pause = 0.5
    while True:
        try:
            return open_()
        except Exception as error:
            if not unavailable(error) or time.monotonic() + pause > deadline:
                raise
            log.warning(
                "the database cannot be reached (%s); trying again in %.1f s",
                type(error).__name__,
                pause,
            )
        time.sleep(pause)
        pause = min(pause * 2, 5.0)
