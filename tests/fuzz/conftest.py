"""The fuzz tests' stores: SQLite (a file of the test's own) and PostgreSQL (a database of
the test's own), the ledger opened on them as the product opens it, and a world of two
counties with users of every role (tests/fuzz/world.py)."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.fuzz.world import World, build_world


def fuzz_seed(default: int) -> int:
    """The run's seed: ``default`` (the same requests in every CI run, so that nobody's suite
    fails on a defect another seed happens to meet), ``LEDGER_FUZZ_SEED``, or a new one with
    ``LEDGER_FUZZ_SEED=random``."""
    given = os.environ.get("LEDGER_FUZZ_SEED") or str(default)
    return random.randrange(2**32) if given == "random" else int(given)


def fuzz_size(name: str, reduced: int) -> int:
    """A fuzz's size: ``reduced`` in CI and by default, larger on demand (environment)."""
    return int(os.environ.get(name) or reduced)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/fuzz.sqlite3"
    return request.getfixturevalue("make_postgres_database")()


@pytest.fixture
def ledger(store_url: str) -> Iterator[Services]:
    opened = open_ledger(
        Settings(two_factor="optional", database_url=store_url), shared_attempts=True
    )
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def world(ledger: Services) -> World:
    return build_world(ledger)
