"""Fixtures shared by every test: the three stores, a ledger opened on each, fresh tenants.

The service and integration tests run on the in-memory store, on SQLite and on PostgreSQL. One
PostgreSQL database is made for the whole run; tests share it (and each SQLite file is made per
test), so every test makes its own counties and townships with unique codes and never cleans up.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from infra.settings import event_store_env
from services import Services, open_services
from tests.support import Place, Tenants

# Two-factor sign-in is not what most tests are about: off for the servers and command lines
# they start (Settings.from_env); the tests about it ask for it (tests/web/test_two_factor.py).
os.environ.setdefault("LEDGER_TWO_FACTOR", "optional")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# The seed town's real report: ../shared/seed beside the checkout (LEDGER_SEED_DIR elsewhere).
SEED_REPORT = "000_35acf787e928bc26.zh-Hans.txt"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def missing(reason: str) -> None:
    """What is missing fails the test under CI, where everything must be there; it is
    skipped elsewhere."""
    if in_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: runs on the PostgreSQL test database")
    config.addinivalue_line("markers", "browser: drives the pages in a real Chromium")


# -- the stores ----------------------------------------------------------------------------


def _admin_urls() -> list[str]:
    configured = os.environ.get("LEDGER_TEST_POSTGRES_URL")
    if configured:
        return [configured]
    fallback = urlsplit(DEFAULT_POSTGRES_URL)._replace(netloc="root@127.0.0.1:5432")
    return [DEFAULT_POSTGRES_URL, urlunsplit(fallback)]


def _connect() -> tuple[str, psycopg.Connection]:
    failures = []
    for url in _admin_urls():
        try:
            return url, psycopg.connect(url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            failures.append(f"{url}: {str(error).strip()}")
    reason = (
        f"PostgreSQL not reachable at {' or '.join(_admin_urls())}; "
        f"set LEDGER_TEST_POSTGRES_URL ({'; '.join(failures)})"
    )
    missing(reason)
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def seed_report() -> str:
    """The text of the seed town's real report, found in ``LEDGER_SEED_DIR`` or in
    ``../shared/seed`` beside the checkout, wherever the checkout sits."""
    configured = os.environ.get("LEDGER_SEED_DIR")
    directory = (
        Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared/seed"
    )
    path = directory / SEED_REPORT
    if not path.is_file():
        missing(f"the seed report {path} is not there; set LEDGER_SEED_DIR")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def make_postgres_database() -> Iterator[Callable[[], str]]:
    """Makes databases for this run (their URLs); all are dropped at its end."""
    admin_url, connection = _connect()
    made: list[str] = []

    def make() -> str:
        name = f"ledger_test_{os.getpid()}_{secrets.token_hex(4)}"
        connection.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}", query=""))

    try:
        yield make
    finally:
        for name in made:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


@pytest.fixture(scope="session")
def postgres_url(make_postgres_database: Callable[[], str]) -> str:
    """The database the PostgreSQL runs of the tests share."""
    return make_postgres_database()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, database_url: str, tmp_path) -> str:
    """Another, empty database on the same kind of store as ``database_url``."""
    if database_url.startswith("memory:"):
        return "memory:"
    if database_url.startswith("sqlite:"):
        return f"sqlite:///{tmp_path}/empty.sqlite3"
    return request.getfixturevalue("make_postgres_database")()


@pytest.fixture
def services(database_url: str) -> Iterator[Services]:
    """The ledger on one store (the in-memory one is fresh for every test)."""
    opened = open_services({**event_store_env(database_url), "CREATE_TABLE": "y"})
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def tenants(services: Services) -> Tenants:
    return Tenants(services)


@pytest.fixture
def place(tenants: Tenants) -> Place:
    return tenants.place()


# -- recording as a township clerk ------------------------------------------------------


@pytest.fixture
def clerk(place):
    return place.clerk()


@pytest.fixture
def record(services, place, clerk):
    """Record one line in the place's township as its clerk."""

    def record(type_, entry_id, occurred_on="2024-03-05", principal=None, **fields):
        return services.entries.record(
            principal or clerk,
            township=place.township,
            type=type_,
            entry_id=entry_id,
            occurred_on=occurred_on,
            fields=fields,
        )

    return record


@pytest.fixture
def history(services, place, clerk):
    def history(entry_id):
        return services.entries.entry(clerk, township=place.township, entry_id=entry_id)

    return history
