"""A read model of another shape (an older version of the product) is dropped and rebuilt
from the log when the ledger opens, instead of failing on its first write."""

from __future__ import annotations

import json
import threading
from contextlib import closing

import pytest

from domain.access import Principal
from infra import read_model_schema
from infra.read_model_schema import retried
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
    view = ledger.read_model.storage
    with view._transaction("write") as cursor:  # what an older version left behind
        cursor.execute("DROP TABLE ledger_rm_facts")
        cursor.execute(
            "CREATE TABLE ledger_rm_facts (position BIGINT, originator_id TEXT NOT NULL)"
        )
        cursor.execute("DROP TABLE ledger_rm_version")  # older versions kept theirs here
        cursor.execute("CREATE TABLE IF NOT EXISTS ledger_rm_schema (version INTEGER NOT NULL)")
        cursor.execute("INSERT INTO ledger_rm_schema (version) VALUES (4)")
    ledger.close()

    reopened = open_ledger(Settings(database_url=own_sql_database_url))
    try:
        assert reopened.read_model.position() == 0
        after = reopened.figures.figures(OPERATOR, township=township, period="2024")
        assert after["roster"]["officers"] == before["roster"]["officers"] == 1
        assert reopened.read_model.position() > 0
    finally:
        reopened.close()


def test_tallies_counted_by_another_projection_are_counted_again(own_sql_database_url, monkeypatch):
    """A release whose figures' code differs (another projection version, projections/
    version.py) finds the stored tallies counted by the old code: they are dropped and
    counted again from the log, not served as they were."""
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    county, township = unique("county"), unique("town")
    ledger.tenancy.add_county(OPERATOR, code=county, name="县")
    ledger.tenancy.add_township(OPERATOR, county=county, code=township, name="镇")
    line = {"township": township, "type": "dispute_registered", "id": "D-1", "source": "petition"}
    line |= {"occurred_on": "2024-03-01", "category": "土地"}
    ledger.interchange.import_lines(OPERATOR, [json.dumps(line)])
    ledger.read_model.refresh()
    view = ledger.read_model.storage
    counted = ledger.read_model.tallies([township], "2024")
    assert counted[township]
    with view._transaction("write") as cursor:  # what the old code counted
        cursor.execute(
            view._sql("UPDATE ledger_rm_tallies SET counts = ? WHERE township = ?"),
            ('{"inspections": 7}', township),
        )
    ledger.close()
    monkeypatch.setattr(read_model_schema, "VERSION", read_model_schema.VERSION + "-changed")
    reopened = open_ledger(Settings(database_url=own_sql_database_url))
    try:
        assert reopened.read_model.position() == 0  # dropped, to be counted again
        reopened.read_model.refresh()
        assert reopened.read_model.tallies([township], "2024") == counted
    finally:
        reopened.close()


def test_opening_the_read_model_while_imports_a_rebuild_and_a_follower_run_never_fails(
    own_sql_database_url,
):
    """Once, opening took the schema's locks every time, and deadlocked with a worker storing
    a page (PostgreSQL's DeadlockDetected): now the tables are set up once, and a contended
    page is stored again."""
    url = own_sql_database_url
    ledger = open_ledger(Settings(database_url=url))
    county = unique("county")
    ledger.tenancy.add_county(OPERATOR, code=county, name="县")
    townships = [unique("town") for _ in range(3)]
    for township in townships:
        ledger.tenancy.add_township(OPERATOR, county=county, code=township, name="镇")
    ledger.read_model.page = 50
    failures: list[BaseException] = []

    def importing(township: str) -> None:
        with closing(open_ledger(Settings(database_url=url))) as other:
            for batch in range(4):
                other.interchange.import_lines(OPERATOR, officers(township, batch))

    def opening_and_following() -> None:
        for _ in range(6):
            with closing(open_ledger(Settings(database_url=url))) as other:
                other.read_model.page = 50
                other.read_model.refresh()

    def guarded(work, *args) -> threading.Thread:
        def run() -> None:
            try:
                work(*args)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    try:
        threads = [guarded(importing, t) for t in townships]
        threads.append(guarded(opening_and_following))
        threads.append(guarded(ledger.read_model.rebuild))
        for thread in threads:
            thread.join()
        assert failures == []
        ledger.read_model.refresh()
        for township in townships:
            figures = ledger.figures.figures(OPERATOR, township=township, period="2024")
            assert figures["roster"]["officers"] == 4 * 100
    finally:
        ledger.close()


def officers(township: str, batch: int) -> list[str]:
    return [
        json.dumps(
            {
                "township": township,
                "type": "officer_certified",
                "id": f"O-{batch}-{n}",
                "occurred_on": "2024-03-01",
            }
        )
        for n in range(100)
    ]


def test_a_transaction_that_met_another_is_tried_again_and_other_errors_are_not():
    class Deadlock(Exception):
        sqlstate = "40P01"

    calls = []

    def deadlocked_once() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise Deadlock
        return "stored"

    assert retried(deadlocked_once) == "stored" and len(calls) == 2
    with pytest.raises(ZeroDivisionError):
        retried(lambda: 1 / 0)
