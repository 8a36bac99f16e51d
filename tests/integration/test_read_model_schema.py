"""A read model of another shape (an older version of the product) is dropped and rebuilt
from the log when the ledger opens, instead of failing on its first write."""

from __future__ import annotations

import json

from domain.access import Principal
from infra.read_model import SCHEMA_VERSION
from infra.settings import Settings
from infra.wiring import open_ledger
from tests.support import unique

OPERATOR = Principal.operator()


def test_a_read_model_of_another_version_is_rebuilt_from_the_log(own_sql_database_url):
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    county, township = unique("county"), unique("town")
    ledger.tenancy.add_county(OPERATOR, code=county, name="县")
    ledger.tenancy.add_township(OPERATOR, county=county, code=township, name="镇")
    line = {
        "township": township,
        "type": "officer_certified",
        "id": "O-1",
        "occurred_on": "2024-03-01",
    }
    ledger.interchange.import_lines(OPERATOR, [json.dumps(line)])
    before = ledger.figures.figures(OPERATOR, township=township, period="2024")
    view = ledger.read_model.view
    with view._transaction("write") as cursor:  # what an older version left behind
        cursor.execute("DROP TABLE ledger_rm_facts")
        cursor.execute(
            "CREATE TABLE ledger_rm_facts (position BIGINT, originator_id TEXT NOT NULL)"
        )
        cursor.execute(view._sql("UPDATE ledger_rm_schema SET version = ?"), (SCHEMA_VERSION - 1,))
    ledger.close()

    reopened = open_ledger(Settings(database_url=own_sql_database_url))
    try:
        assert reopened.read_model.view.position() == 0
        after = reopened.figures.figures(OPERATOR, township=township, period="2024")
        assert after["roster"]["officers"] == before["roster"]["officers"] == 1
        assert reopened.read_model.view.position() > 0
    finally:
        reopened.close()
