"""Several processes (web workers, the projection worker, the command line) open the same
database at once: each of them opens it."""

from __future__ import annotations

import threading

import pytest

from infra.settings import event_store_env
from services import open_services

SIDE_BY_SIDE = 6


@pytest.mark.postgres
def test_ledgers_opened_side_by_side_on_postgres_all_open(make_postgres_database):
    env = {**event_store_env(make_postgres_database()), "CREATE_TABLE": "y"}
    failures: list[BaseException] = []
    for _round in range(3):
        start = threading.Barrier(SIDE_BY_SIDE)

        def open_and_close(start: threading.Barrier = start) -> None:
            start.wait()
            try:
                open_services(env).close()
            except BaseException as error:  # reported below
                failures.append(error)

        threads = [threading.Thread(target=open_and_close) for _ in range(SIDE_BY_SIDE)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
