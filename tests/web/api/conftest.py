"""The HTTP API on a real store: the ledger opened as the product opens it (SQLite, and
PostgreSQL), the product's app, and callers holding tokens of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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

# Argon2id as the product uses it, with a test's costs (every test signs several users in).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def ledger(store_url: str, tmp_path) -> Iterator[Services]:
    settings = Settings(
        two_factor="optional", database_url=store_url, evidence_dir=str(tmp_path / "evidence")
    )
    opened = open_ledger(settings, shared_attempts=True)
    opened.tenancy.hasher = FAST_HASHER
    try:
        yield opened
    finally:
        opened.close()


def make_app(ledger: Services) -> Flask:
    """The product's app (pages and API), as a worker builds it."""
    return create_app(ledger, WebConfig(secret_key="api-tests", testing=True))


@pytest.fixture
def app(ledger: Services) -> Flask:
    return make_app(ledger)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client of its own address: sign-ins are throttled per name and per address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = unique("client")
    return client


@dataclass
class Caller:
    """A user of the API with a token."""

    client: FlaskClient
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, **kwargs: Any):
        return self.client.post(path, headers=self.headers, **kwargs)

    def put(self, path: str, **kwargs: Any):
        return self.client.put(path, headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.client.delete(path, headers=self.headers, **kwargs)


def add_user(ledger: Services, role: str, *, township=None, county=None) -> str:
    username = unique(role.replace("_", "-"))
    ledger.tenancy.add_user(
        OPERATOR,
        username=username,
        password=PASSWORD,
        role=role,
        township=township,
        county=county,
    )
    return username


def sign_in(client: FlaskClient, username: str) -> Caller:
    answer = client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 201, answer.get_json()
    return Caller(client, username, answer.get_json()["token"])


@dataclass
class Site:
    """A fresh county and township, and a caller of each role there (made when first asked)."""

    ledger: Services
    client: FlaskClient
    county: str = ""
    township: str = ""
    callers: dict[str, Caller] = field(default_factory=dict)

    def __post_init__(self) -> None:
        place = Tenants(self.ledger).place()
        self.county, self.township = place.county, place.township

    def caller(self, role: str) -> Caller:
        if role not in self.callers:
            where = (
                {"township": self.township}
                if role in ("clerk", "head")
                else {"county": self.county}
            )
            self.callers[role] = sign_in(self.client, add_user(self.ledger, role, **where))
        return self.callers[role]

    def line(self, type_: str, entry_id: str, occurred_on: str = "2024-03-05", **fields):
        return {
            "township": self.township,
            "type": type_,
            "id": entry_id,
            "occurred_on": occurred_on,
            **fields,
        }


@pytest.fixture
def site(ledger: Services, client: FlaskClient) -> Site:
    return Site(ledger, client)


@pytest.fixture
def other_site(ledger: Services, client: FlaskClient) -> Site:
    """Another county and township in the same installation."""
    return Site(ledger, client)


def error_of(answer) -> dict[str, Any]:
    body = answer.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "field", "line"} <= set(body["error"]), body
    return body["error"]
