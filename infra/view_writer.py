"""A process of its own that stores the read model's pages while the projection computes the
next: a long catch-up (a rebuild, a worker back after a while) runs on two cores.

Storing a page (rows, indexes, tallies, the commit) costs about as much as reading and decoding
it. The projecting process sends each page as one JSON message and goes on with the next page;
it waits for a page's answer only before it sends the next, so at most one page is in flight.
A page is stored exactly as ``SQLLedgerView.commit`` stores it, position and all: "1" when it
was committed, "0" when another worker had moved the position first (nothing stored).

This module is the projecting process's side (``ViewWriter``); the writer process is
``infra/view_writer_process.py``:

    python -m infra.view_writer_process IN_FD OUT_FD   (started by ``ViewWriter``; reads its
                                                        store from the first message)

The process ends when its pipe closes: when the view closes, or the projecting process dies.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from multiprocessing.connection import Connection

import orjson

from projections.ledger import Changes

COMMITTED, MOVED, FAILED = b"1", b"0", b"!"


class WriterFailed(RuntimeError):
    """The writer process failed to store a page, or stopped."""


class ViewWriter:
    def __init__(self, store_env: Mapping[str, str]) -> None:
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.view_writer_process",
                str(child_reads),
                str(child_writes),
            ],
            pass_fds=(child_reads, child_writes),
            stdin=subprocess.DEVNULL,
        )
        os.close(child_reads)
        os.close(child_writes)
        self._out = Connection(parent_writes, readable=False)
        self._in = Connection(parent_reads, writable=False)
        self._send(orjson.dumps(dict(store_env)))

    def alive(self) -> bool:
        return self._process.poll() is None and not self._out.closed

    def send(self, changes: Changes, *, since: int, position: int) -> None:
        self._send(page_message(changes, since=since, position=position))

    def result(self) -> bool:
        """Wait for the answer to the page sent last: True when it was committed."""
        try:
            answer = self._in.recv_bytes()
        except (EOFError, OSError) as error:
            self.close()
            raise WriterFailed(f"the read-model writer stopped: {error or 'pipe closed'}") from None
        if answer == COMMITTED:
            return True
        if answer == MOVED:
            return False
        raise WriterFailed(f"the read-model writer failed:\n{answer[1:].decode()}")

    def close(self) -> None:
        for end in (self._out, self._in):
            if not end.closed:
                end.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _send(self, message: bytes) -> None:
        try:
            self._out.send_bytes(message)
        except OSError as error:
            self.close()
            raise WriterFailed(f"the read-model writer stopped: {error}") from None


def page_message(changes: Changes, *, since: int, position: int) -> bytes:
    """``[since, position, facts, tallies]`` in JSON: each fact as the list of its fields (dates
    as ISO text), the tallies as ``[township, period, {name: delta}]``."""
    tallies = [[township, period, deltas] for (township, period), deltas in changes.tallies.items()]
    return orjson.dumps([since, position, changes.facts, tallies], default=tuple)
