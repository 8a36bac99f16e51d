"""Reads on a PostgreSQL streaming replica (``LEDGER_READ_DATABASE_URL``): a primary and a real
standby of the tests' own (initdb, pg_basebackup, streaming replication: tests/clusters.py).
The web's read-model queries go to the standby; writes and the projection worker to the
primary; a page after a user's own write waits for the standby's copy of it; another
township's records stay invisible. What the standby adds to a page after a write is printed."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from flask import Flask

from infra.settings import Settings, SettingsError
from infra.wiring import open_ledger
from services import Services
from tests.clusters import PrivateCluster, binaries
from tests.conftest import missing
from tests.support import OPERATOR, PASSWORD, unique
from web import create_app
from web.config import WebConfig

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Replicated:
    primary: PrivateCluster
    standby: PrivateCluster
    database: str


@pytest.fixture(scope="module")
def replicated() -> Iterator[Replicated]:
    bin_dir = binaries()
    if bin_dir is None:
        missing("no PostgreSQL server binaries (initdb, pg_basebackup) to run a standby")
    primary = PrivateCluster(bin_dir)
    primary.start()
    standby = None
    try:
        database = primary.new_database().rsplit("/", 1)[1]
        standby = PrivateCluster(bin_dir, standby_of=primary)
        standby.start()
        standby.replayed(primary)
        yield Replicated(primary, standby, database)
    finally:
        if standby is not None:
            standby.destroy()
        primary.destroy()


@dataclass(frozen=True)
class Site:
    app: Flask
    web: Services  # what a web process opens: its queries on the standby
    county: str
    townships: tuple[str, str]


@pytest.fixture(scope="module")
def site(replicated: Replicated) -> Iterator[Site]:
    primary_url = replicated.primary.url(replicated.database)
    standby_url = replicated.standby.url(replicated.database)
    worker = open_ledger(Settings(two_factor="optional", database_url=primary_url))
    worker.read_model.refresh_before_reads = False
    stop = worker.read_model.follow_in_background(interval=0.05)
    settings = Settings(
        two_factor="optional", database_url=primary_url, read_database_url=standby_url
    )
    web = open_ledger(settings, web=True)
    web.read_model.refresh_before_reads = False
    county, townships = unique("c"), (unique("t"), unique("t"))
    worker.tenancy.add_county(OPERATOR, code=county, name="测试县")
    for code in townships:
        worker.tenancy.add_township(OPERATOR, county=county, code=code, name=f"{code}镇")
        worker.tenancy.add_user(
            OPERATOR, username=f"clerk-{code}", password=PASSWORD, role="clerk", township=code
        )
    app = create_app(web, WebConfig(secret_key="replica-test", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        yield Site(app, web, county, townships)
    finally:
        stop.set()
        web.close()
        worker.close()


def _clerk(site: Site, township: str):
    client = site.app.test_client()
    answer = client.post("/login", data={"username": f"clerk-{township}", "password": PASSWORD})
    assert answer.status_code == 302, answer.text
    return client


def _record(client, entry: str):
    return client.post(
        "/township/record/dispute_registered",
        data={"id": entry, "occurred_on": "2024-06-01", "source": "petition", "category": "土地"},
    )


def test_the_web_reads_the_standby_and_writes_the_primary(site: Site, replicated) -> None:
    model = site.web.read_model
    with psycopg.connect(replicated.standby.admin_url) as standby:
        assert standby.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    assert model._queries._connection.info.port == replicated.standby.port
    assert model.storage._connection.info.port == replicated.primary.port


def test_a_clerk_sees_their_own_entry_on_the_next_page(site: Site, replicated) -> None:
    clerk = _clerk(site, site.townships[0])
    waits = []
    for n in range(10):
        entry = unique(f"D{n}")
        assert _record(clerk, entry).status_code == 302
        started = time.perf_counter()
        page = clerk.get("/township/entries?type=dispute_registered").text
        waits.append(time.perf_counter() - started)
        assert entry in page  # the standby had it: the page waited for it
    print(
        f"\n[replica] the page after a write: median {statistics.median(waits) * 1000:.0f} ms,"
        f" max {max(waits) * 1000:.0f} ms (the wait for the worker and the standby included);"
        f" the standby replays the primary's last write in"
        f" {replicated.standby.replayed(replicated.primary) * 1000:.0f} ms"
    )


def test_another_township_s_entry_stays_not_found_through_the_standby(site: Site) -> None:
    owner, other = _clerk(site, site.townships[0]), _clerk(site, site.townships[1])
    entry = unique("D")
    assert _record(owner, entry).status_code == 302
    assert entry in owner.get("/township/entries?type=dispute_registered").text
    assert entry not in other.get("/township/entries?type=dispute_registered").text
    answer = other.get("/township/entries", query_string={"entry": entry})
    assert entry not in answer.text


def test_many_writers_each_see_their_own_writes(site: Site) -> None:
    failures: list[str] = []

    def clerk_at_work(township: str) -> None:
        clerk = _clerk(site, township)
        for _ in range(5):
            entry = unique("D")
            _record(clerk, entry)
            if entry not in clerk.get("/township/entries?type=dispute_registered").text:
                failures.append(entry)

    threads = [threading.Thread(target=clerk_at_work, args=(t,)) for t in site.townships * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []


def test_a_replica_of_anything_but_postgresql_is_refused() -> None:
    with pytest.raises(SettingsError, match="LEDGER_READ_DATABASE_URL"):
        Settings.from_env({"LEDGER_READ_DATABASE_URL": "sqlite:///x.sqlite3"})
    with pytest.raises(SettingsError, match="LEDGER_DATABASE_URL"):
        Settings(
            two_factor="optional", database_url="sqlite:///x", read_database_url="postgresql://h/x"
        )
