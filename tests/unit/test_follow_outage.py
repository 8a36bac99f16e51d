"""The projection worker and a database that goes away: it waits and goes on; any other error
still stops it (a projection never skips an event). A web worker starting meanwhile waits too."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from infra.outages import patiently, unavailable
from infra.settings import event_store_env
from services import open_services


class Away(Exception):
    """Stands for the database being away."""


@pytest.fixture
def read_model():
    services = open_services({**event_store_env("memory:"), "CREATE_TABLE": "y"})
    yield services.read_model
    services.close()


def test_the_worker_waits_out_an_outage_and_goes_on(read_model, monkeypatch):
    stop = threading.Event()
    calls = []

    def refresh(**_):
        calls.append(len(calls))
        if len(calls) <= 3:
            raise Away("the database is away")
        stop.set()  # projected once it is back
        return 0

    monkeypatch.setattr(read_model, "refresh", refresh)
    read_model.follow(stop, interval=0.01, outage=lambda error: isinstance(error, Away))
    assert len(calls) == 4


def test_any_other_error_stops_the_worker(read_model, monkeypatch):
    def refresh(**_):
        raise ValueError("an event the projection cannot read")

    monkeypatch.setattr(read_model, "refresh", refresh)
    with pytest.raises(ValueError):
        read_model.follow(threading.Event(), interval=0.01, outage=unavailable)


def test_a_worker_starting_during_an_outage_waits_for_the_database():
    tries = []

    def open_ledger():
        tries.append(1)
        if len(tries) < 3:
            raise sqlite3.OperationalError("database is locked")
        return "opened"

    assert patiently(open_ledger, seconds=10) == "opened"
    assert len(tries) == 3


def test_a_worker_gives_up_on_anything_else_at_once_and_on_an_outage_in_time():
    def broken():
        raise sqlite3.OperationalError("no such table: stored_events")

    def away():
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        patiently(broken, seconds=10)
    began = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        patiently(away, seconds=1)
    assert time.monotonic() - began < 3
