"""Signing out ends the session for good, in every process of the installation, on SQLite and
PostgreSQL: a copy of the session's cookie taken before is refused afterwards by any worker,
while the user's other sessions go on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.support import OPERATOR, PASSWORD, Tenants, unique
from web import create_app
from web.config import WebConfig

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
COOKIE = "session"


@pytest.fixture
def workers(own_sql_database_url: str) -> Iterator[tuple[Services, Flask, Flask]]:
    """Two workers of one installation: each its own ledger and app on the same store."""
    first = open_ledger(
        Settings(two_factor="optional", database_url=own_sql_database_url), shared_attempts=True
    )
    second = open_ledger(
        Settings(two_factor="optional", database_url=own_sql_database_url), shared_attempts=True
    )
    try:
        apps = [
            create_app(s, WebConfig(secret_key="one-key", testing=True)) for s in (first, second)
        ]
        for app in apps:
            app.config["WTF_CSRF_ENABLED"] = False
        yield first, *apps
    finally:
        first.close()
        second.close()


def a_clerk(ledger: Services) -> str:
    username = unique("clerk")
    place = Tenants(ledger).place()
    ledger.tenancy.hasher = FAST_HASHER
    ledger.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    return username


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.text
    return client


def holding(app: Flask, cookie: str) -> FlaskClient:
    """Someone else's browser holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def test_a_copied_cookie_is_refused_after_sign_out_by_every_worker(workers):
    ledger, here, there = workers
    username = a_clerk(ledger)
    desk = signed_in(here, username)
    phone = signed_in(there, username)  # another session of the same user
    copied = desk.get_cookie(COOKIE).value
    assert holding(there, copied).get("/township/").status_code == 200  # the copy works…

    assert desk.post("/logout").status_code == 302

    for app in (here, there):  # …and no longer, whichever worker it is sent to
        thief = holding(app, copied)
        answer = thief.get("/township/")
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith("/login")
        assert thief.get("/township/").status_code == 302  # what it was answered, again
    assert phone.get("/township/").status_code == 200  # the user's other session goes on
    assert signed_in(here, username).get("/township/").status_code == 200
