"""The database away for a moment (a restart, a failover, a lock held too long): the errors
that say so, whichever driver or layer raised them. A request that meets one is answered 503
(send it again); the projection worker waits and goes on."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

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
