"""Fixtures for the integration tests: the ledger opened as the product opens it.

``ledger`` is ``infra.wiring.open_ledger`` on each store of ``database_url`` (tests/conftest.py):
the SQL read model beside SQLite and PostgreSQL, the in-memory one beside the in-memory store.
Tests share the PostgreSQL database, so every county and township here gets a unique code.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.entries import Recorded
from services.interchange import ImportResult
from tests.support import OPERATOR, Place, Tenants


@pytest.fixture
def ledger(database_url: str) -> Iterator[Services]:
    opened = open_ledger(Settings(database_url=database_url))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def own_sql_database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A store of this test's own on SQLite (a file) or PostgreSQL (a schema of the run's
    database): for tests that compare or rebuild the whole read model, or that let other
    processes at the store."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.sqlite3"
    url = request.getfixturevalue("postgres_url")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{url}?schema={schema}"


@pytest.fixture
def towns(ledger: Services) -> Towns:
    return Towns(ledger)


@dataclass
class Towns:
    """Unique counties and townships in ``ledger``, and entries recorded into them."""

    ledger: Services

    @property
    def tenants(self) -> Tenants:
        return Tenants(self.ledger)

    def county(self) -> str:
        return self.tenants.county()

    def township(self, county: str | None = None) -> str:
        return self.tenants.township(county)

    def place(self, county: str | None = None) -> Place:
        return self.tenants.place(county)

    def townships(self, count: int, county: str | None = None) -> tuple[str, list[str]]:
        county = county or self.county()
        return county, [self.township(county) for _ in range(count)]

    def import_lines(
        self, lines: Iterable[dict[str, Any]], principal: Principal = OPERATOR
    ) -> ImportResult:
        return import_lines(self.ledger, lines, principal)

    def record(
        self,
        township: str,
        type_: str,
        entry_id: str,
        occurred_on: str,
        principal: Principal = OPERATOR,
        **fields: Any,
    ) -> Recorded:
        return self.ledger.entries.record(
            principal,
            township=township,
            type=type_,
            entry_id=entry_id,
            occurred_on=occurred_on,
            fields=fields,
        )


def import_lines(
    ledger: Services, lines: Iterable[dict[str, Any]], principal: Principal = OPERATOR
) -> ImportResult:
    """Import interchange lines (dicts) as a file would bring them."""
    return ledger.interchange.import_lines(
        principal, [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]
    )


def moment() -> datetime:
    """A moment strictly after everything recorded so far and strictly before anything
    recorded afterwards (the clock is read until it has moved on, a bounded wait)."""
    taken = datetime.now(UTC)
    for _ in range(10_000):
        if datetime.now(UTC) > taken:
            break
        time.sleep(0.0001)
    return taken
