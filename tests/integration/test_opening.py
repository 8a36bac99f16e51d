"""Several processes (gunicorn's web workers, the projection worker, the command line) open the
same empty database at once: each of them opens it.

Every round starts ``SIDE_BY_SIDE`` real processes that open a new, empty PostgreSQL database
at the same moment, as the product opens it (``open_ledger``). ``LEDGER_OPENING_ROUNDS`` sets
the number of rounds (3 by default; ``scripts/opening_under_load.sh`` runs 200 while both cores
are kept busy).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from typing import Any

import pytest

from infra.settings import Settings
from infra.wiring import open_ledger

SIDE_BY_SIDE = 6
ROUNDS = int(os.environ.get("LEDGER_OPENING_ROUNDS") or 3)
WAIT = 120  # seconds: a bound on a stuck process, not a timing check


def open_and_close(url: str, start: Any, failures: Any) -> None:
    try:
        start.wait(WAIT)
        open_ledger(Settings(database_url=url)).close()
    except BaseException:  # reported by the test
        failures.put(traceback.format_exc())


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_ledgers_opened_side_by_side_on_an_empty_postgres_database_all_open(
    make_postgres_database, round_
):
    url = make_postgres_database()
    context = multiprocessing.get_context("forkserver")  # fresh processes, forked as
    context.set_forkserver_preload(["infra.wiring"])  # gunicorn forks its workers
    start, failures = context.Barrier(SIDE_BY_SIDE), context.Queue()
    processes = [
        context.Process(target=open_and_close, args=(url, start, failures))
        for _ in range(SIDE_BY_SIDE)
    ]
    try:
        for process in processes:
            process.start()
        for process in processes:
            process.join(WAIT)
    finally:
        for process in processes:
            if process.is_alive():
                process.kill()
    reported = [failures.get(timeout=WAIT) for _ in range(failures.qsize())]
    assert reported == []
    assert [p.exitcode for p in processes] == [0] * SIDE_BY_SIDE

    ledger = open_ledger(Settings(database_url=url))  # and the store works
    try:
        assert ledger.read_model.refresh() == 0
    finally:
        ledger.close()
