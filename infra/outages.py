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

# The errors that may say so: the library's own (it translates its drivers' errors, keeping
# the driver's as the cause) and the drivers' that the read model and the sign-in throttle meet
# directly. Which of them do say so is ``unavailable``'s to judge.
UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)
# PostgreSQL's error codes that mean the server or the connection is away for a moment: a
# connection failure (08), too many connections or no space (53), the server shutting down or
# starting (57P), a lock or statement timeout (55P03, 57014). Any other code is a fault of the
# program or the schema (a table missing, a bad statement): sending the request again would meet
# it again.
POSTGRES_AWAY = ("08", "53", "57P", "55P03", "57014")


def unavailable(error: BaseException) -> bool:
    """Is ``error`` the database being away, rather than a fault of the program? The library
    wraps its drivers' errors in a few classes of its own, so the driver's error beneath (the
    cause) is what is judged: SQLite says both with one class (only its lock is an outage, not
    "no such table"), PostgreSQL by its error code."""
    driver = error
    if isinstance(error, OperationalError | InterfaceError) and error.__cause__ is not None:
        driver = error.__cause__
    if isinstance(driver, sqlite3.OperationalError):
        return "locked" in str(driver) or "busy" in str(driver)
    if isinstance(driver, psycopg.InterfaceError):
        return True
    if isinstance(driver, psycopg.OperationalError):
        return driver.sqlstate is None or driver.sqlstate.startswith(POSTGRES_AWAY)
    if isinstance(driver, sqlite3.Error | psycopg.Error):
        return False
    # The library's own, with no driver's error beneath: its pool gave no connection in time.
    return isinstance(driver, OperationalError | InterfaceError)


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
