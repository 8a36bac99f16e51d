"""PostgreSQL's doorbell for the projection worker (``services.read_model.Doorbell``): every
write of the ledger sends ``NOTIFY`` on the event store's channel in its transaction (the
library's, and ``infra/postgres_recorder.py``'s start of a write), delivered when it commits; a
connection that ``LISTEN``s on it wakes the worker at once, where polling woke it up to an
interval later.

The connection is the doorbell's own, kept open while the worker follows. If it drops (a
restart, a failover), the worker polls at its interval, and the doorbell connects again at
the next wait, no sooner than ``RECONNECT_PAUSE`` after the last try."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

log = logging.getLogger("ledger.projection")
SLICE = 0.25  # seconds: how soon a wait sees ``stop`` set
RECONNECT_PAUSE = 5.0  # seconds between tries to listen again


class PostgresDoorbell:
    def __init__(self, connect: Callable[[], Any], channel: str) -> None:
        self._connect = connect
        self._listen = sql.SQL("LISTEN {}").format(sql.Identifier(channel))
        self._connection: Any = None
        self._tried_at = float("-inf")

    @property
    def listening(self) -> bool:
        return self._connection is not None or self._try_to_listen()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Wait until something is recorded, ``stop`` is set, or ``seconds`` pass; True when
        rung. Without a connection it waits the whole time (the worker polls)."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            if not self.listening:
                stop.wait(left)
                return False
            try:
                rung = list(self._connection.notifies(timeout=min(left, SLICE), stop_after=1))
                if rung:
                    self._drain()
                    return True
            except psycopg.Error as error:
                log.warning("not listening for new records (%s): polling", type(error).__name__)
                self.close()
        return False

    def _drain(self) -> None:
        """The notifications already delivered: one wake answers for all of them."""
        for _ in self._connection.notifies(timeout=0):
            pass

    def _try_to_listen(self) -> bool:
        if time.monotonic() - self._tried_at < RECONNECT_PAUSE:
            return False
        self._tried_at = time.monotonic()
        try:
            connection = self._connect()
            connection.autocommit = True
            connection.execute(self._listen)
        except psycopg.Error as error:
            log.warning("cannot listen for new records (%s): polling", type(error).__name__)
            return False
        self._connection = connection
        return True

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(psycopg.Error):
                connection.close()
