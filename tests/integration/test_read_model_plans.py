"""On PostgreSQL the read model's statements are planned for the parameters given, every time:
psycopg prepares a statement run five times, and a plan made once for any parameters tests
``township = ANY(array)`` element by element where a plan for the county's own list hashes it
(at 1,000 townships, a read of 8,000 facts took 60-77 ms instead of 5; docs/performance.md)."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from tests.support import OPERATOR, unique


@pytest.fixture
def own_postgres_url(postgres_url: str) -> str:
    """A schema of the run's database, this test's own (its statements alone in it)."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    return f"{postgres_url}?schema={schema}"


@pytest.mark.postgres
def test_the_read_models_statements_are_never_planned_once_for_all(own_postgres_url):
    ledger = open_ledger(Settings(database_url=own_postgres_url))
    try:
        county = unique("county")
        ledger.tenancy.add_county(OPERATOR, code=county, name="县")
        towns = [unique("town") for _ in range(3)]
        for town in towns:
            ledger.tenancy.add_township(OPERATOR, county=county, code=town, name="镇")
        line = {"type": "officer_certified", "occurred_on": "2024-03-01"}
        lines = [{**line, "township": t, "id": f"O-{n}"} for n, t in enumerate(towns)]
        ledger.interchange.import_lines(OPERATOR, [json.dumps(x) for x in lines])
        ledger.read_model.refresh()
        queries = ledger.read_model._queries
        for _ in range(12):  # prepared after five
            assert queries.tallies(towns, "2024")
        plans = queries._query(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE strpos(statement, 'FROM ledger_rm_tallies') > 0"
        )
        assert plans, "the statement was not prepared"
        assert sum(generic for generic, _ in plans) == 0
        assert sum(custom for _, custom in plans) >= 6
    finally:
        ledger.close()
