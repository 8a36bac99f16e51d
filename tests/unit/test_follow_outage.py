"""The projection worker and a database that goes away: it waits and goes on; any other error
still stops it (a projection never skips an event)."""

from __future__ import annotations

import threading

import pytest

from infra.outages import unavailable
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

    def refresh():
        calls.append(len(calls))
        if len(calls) <= 3:
            raise Away("the database is away")
        stop.set()  # projected once it is back
        return 0

    monkeypatch.setattr(read_model, "refresh", refresh)
    read_model.follow(stop, interval=0.01, outage=lambda error: isinstance(error, Away))
    assert len(calls) == 4


def test_any_other_error_stops_the_worker(read_model, monkeypatch):
    def refresh():
        raise ValueError("an event the projection cannot read")

    monkeypatch.setattr(read_model, "refresh", refresh)
    with pytest.raises(ValueError):
        read_model.follow(threading.Event(), interval=0.01, outage=unavailable)
