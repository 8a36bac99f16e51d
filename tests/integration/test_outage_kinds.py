"""Which real database errors are an outage (the database away for a moment: 503, the worker
waits) and which are faults (a table missing: the worker stops, never retries forever), judged
by the driver's error beneath the library's (infra/outages.py)."""

from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest

from infra.outages import unavailable
from infra.settings import event_store_env
from services import open_services


def _raised(call) -> BaseException:
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


def test_a_missing_table_on_sqlite_is_a_fault_and_stops_the_worker(tmp_path) -> None:
    path = tmp_path / "ledger.sqlite3"
    services = open_services({**event_store_env(f"sqlite:///{path}"), "CREATE_TABLE": "y"})
    try:
        table = services.app.recorder.events_table_name
        with sqlite3.connect(path) as raw:
            raw.execute(f"DROP TABLE {table}")
        error = _raised(services.app.recorder.max_notification_id)
        assert "no such table" in str(error)
        assert not unavailable(error)
        stop, ended = threading.Event(), []

        def worker() -> None:
            try:
                services.read_model.follow(stop, interval=0.01, outage=unavailable)
            except Exception as failure:
                ended.append(failure)

        thread = threading.Thread(target=worker, daemon=True)
        thread.start()
        thread.join(timeout=30)
        stop.set()
        assert ended and "no such table" in str(ended[0])  # it stopped, naming the fault
    finally:
        services.close()


def test_a_locked_sqlite_database_is_an_outage(tmp_path) -> None:
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        waiter = sqlite3.connect(path, timeout=0.05)
        assert unavailable(_raised(lambda: waiter.execute("SELECT * FROM t")))
    finally:
        holder.execute("ROLLBACK")


@pytest.mark.postgres
def test_postgres_away_and_locked_are_outages_and_a_missing_table_is_not(
    make_postgres_database,
) -> None:
    postgres_url = make_postgres_database()
    refused = _raised(lambda: psycopg.connect("postgresql://x@127.0.0.1:1/x", connect_timeout=2))
    assert unavailable(refused)
    with psycopg.connect(postgres_url, autocommit=True) as holder:
        holder.execute("CREATE TABLE IF NOT EXISTS outage_kinds (x int)")
        with psycopg.connect(postgres_url) as waiter, holder.transaction():
            holder.execute("LOCK TABLE outage_kinds IN ACCESS EXCLUSIVE MODE")
            waiter.execute("SET lock_timeout = '50ms'")
            locked = _raised(lambda: waiter.execute("SELECT * FROM outage_kinds"))
        assert locked.sqlstate == "55P03" and unavailable(locked)
    services = open_services({**event_store_env(postgres_url), "CREATE_TABLE": "y"})
    try:
        recorder = services.app.recorder
        with psycopg.connect(postgres_url, autocommit=True) as raw:
            raw.execute(f"DROP TABLE {recorder.events_table_name}")
        missing = _raised(recorder.max_notification_id)
        assert "does not exist" in str(missing) and not unavailable(missing)
    finally:
        services.close()
