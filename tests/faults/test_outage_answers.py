"""How the app answers a database that is away, whichever layer meets it (fast: no server, no
outage; the real one is test_postgres_restart.py): 503 with ``Retry-After``, the API's error
document under /api/ and for /readyz, a page elsewhere; a database error that is no outage stays
a fault (500), not something to send again."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from eventsourcing.persistence import InterfaceError, OperationalError
from flask import Flask

from infra.outages import unavailable
from infra.settings import event_store_env
from services import Services, open_services
from web import create_app
from web.config import WebConfig


@pytest.fixture
def served() -> Iterator[tuple[Flask, Services]]:
    services = open_services(
        {**event_store_env("memory:"), "CREATE_TABLE": "y"}, outage=unavailable
    )
    app = create_app(services, WebConfig(secret_key="outage-test"))
    try:
        yield app, services
    finally:
        services.close()


OUTAGES = [
    psycopg.OperationalError("server closed the connection unexpectedly"),
    OperationalError("connection failed"),
    InterfaceError("the connection is closed"),
    sqlite3.OperationalError("database is locked"),
]


@pytest.mark.parametrize("error", OUTAGES, ids=lambda e: type(e).__module__)
def test_readiness_and_the_api_answer_503_with_the_error_document(served, error, monkeypatch):
    app, services = served

    def away(*_, **__):
        raise error

    monkeypatch.setattr(services.read_model, "lag", away)
    monkeypatch.setattr(services.tokens, "principal", away)  # reads
    monkeypatch.setattr(services.tokens, "acting", away)  # writes: the token checked in them
    client = app.test_client()
    for answer in (
        client.get("/readyz"),
        client.post(
            "/api/v1/entries",
            json={
                "township": "t",
                "type": "dispute_registered",
                "id": "D-1",
                "occurred_on": "2024-03-05",
                "source": "screening",
                "category": "land",
            },  # fmt: skip
            headers={"Authorization": "Bearer some-token"},
        ),
    ):
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert answer.get_json()["error"]["code"] == "unavailable"


def test_a_page_answers_503_in_the_users_language(served):
    app, _ = served

    @app.get("/locked")
    def locked():
        raise sqlite3.OperationalError("database is locked")

    chinese = app.test_client().get("/locked")
    english_reader = app.test_client()
    english_reader.get("/language/en")
    english = english_reader.get("/locked")
    assert chinese.status_code == english.status_code == 503
    assert "暂时无法访问账本" in chinese.get_data(as_text=True)
    assert "cannot be reached just now" in english.get_data(as_text=True)


def test_a_database_error_that_is_no_outage_stays_a_fault(served):
    app, _ = served

    @app.get("/broken")
    def broken():
        raise sqlite3.OperationalError("no such table: ledger_rm_facts")

    assert not unavailable(sqlite3.OperationalError("no such table: ledger_rm_facts"))
    assert app.test_client().get("/broken").status_code == 500
