"""The read-model writer process (``infra/view_writer.py`` says what it is for): it opens the
view its first message describes and stores each page it is sent, answering for each.

    python -m infra.view_writer_process IN_FD OUT_FD
"""

from __future__ import annotations

import contextlib
import signal
import sys
import traceback
from multiprocessing.connection import Connection

import orjson

from infra.read_model import open_view
from infra.read_model_rows import row_from_message
from infra.view_writer import COMMITTED, FAILED, MOVED
from projections.gc import pause_gc


def serve(inbox: Connection, outbox: Connection) -> None:
    view = open_view(orjson.loads(inbox.recv_bytes()))
    try:
        while True:
            try:
                message = inbox.recv_bytes()
            except EOFError:
                return
            with pause_gc():
                try:
                    since, position, facts, tallies = orjson.loads(message)
                    committed = view.storage.store(
                        [row_from_message(fact) for fact in facts],
                        {(township, period): deltas for township, period, deltas in tallies},
                        since=since,
                        position=position,
                    )
                    answer = COMMITTED if committed else MOVED
                except Exception:
                    answer = FAILED + traceback.format_exc().encode()
            outbox.send_bytes(answer)
    finally:
        view.close()


def main(argv: list[str]) -> int:
    # Ctrl-C at a terminal reaches the whole process group: the projecting process decides
    # what happens, and this one ends when its pipe closes, between pages or not at all.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox = Connection(int(argv[0]), writable=False)
    outbox = Connection(int(argv[1]), readable=False)
    with contextlib.suppress(BrokenPipeError, EOFError):  # the projecting process went away
        serve(inbox, outbox)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
