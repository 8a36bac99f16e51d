"""Failed sign-ins are seen by every process: two stores opened on the same database (as two
gunicorn workers do) count the same failures and remember the same familiar addresses; and
the throttling's rules hold on each store (the database, Redis)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from infra.settings import Settings
from infra.throttle import KEPT, RedisAttempts, open_attempts
from services import open_services
from tests.signin_cases import CASES
from tests.support import unique

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _shared(first, second) -> None:
    key = unique("user:someone")
    first.record([key, "client:10.0.0.1"], NOW)
    second.record([key], NOW + timedelta(minutes=1))
    assert second.counts([key], NOW - timedelta(minutes=15)) == {key: 2}
    assert first.counts([key], NOW + timedelta(seconds=30)) == {key: 1}  # the window
    assert second.latest(key, NOW - timedelta(minutes=15)) == NOW + timedelta(minutes=1)
    assert first.latest(key, NOW + timedelta(minutes=2)) is None
    first.clear(key)
    assert second.counts([key], NOW - timedelta(minutes=15)) == {key: 0}
    # A moment is kept as long as the longest window: the table (the sorted set) does not grow
    # with every attempt and token.
    issued = unique("issued:someone")
    first.record([issued], NOW)
    second.record([issued], NOW + KEPT + timedelta(seconds=1))
    assert first.counts([issued], NOW - timedelta(days=400)) == {issued: 1}
    # A step that turned out right gives its moments back, and only its own.
    taken = first.take([key, issued], NOW, NOW + KEPT, lambda counts: None)
    second.take([key], NOW, NOW + KEPT, lambda counts: None)
    second.give_back([key, issued], taken)
    assert first.counts([key, issued], NOW) == {key: 1, issued: 1}
    familiar = unique("familiar:someone")
    assert not second.remembered(familiar, NOW - timedelta(days=30))
    first.remember(familiar, NOW)
    first.remember(familiar, NOW + timedelta(days=1))  # again: the latest counts
    assert second.remembered(familiar, NOW + timedelta(hours=1))
    assert not second.remembered(familiar, NOW + timedelta(days=2))


def test_two_processes_share_the_failures_in_the_database(own_sql_database_url):
    settings = Settings(database_url=own_sql_database_url)
    _shared(open_attempts(settings), open_attempts(settings))


REDIS = "redis://127.0.0.1:6379/15"


def _redis() -> RedisAttempts:
    store = RedisAttempts(REDIS)
    try:
        store.counts(["probe"], NOW)
    except Exception as error:  # noqa: BLE001 - any trouble reaching Redis: not here
        reason = f"no Redis at {REDIS}: {error}"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return store


def test_two_processes_share_the_failures_in_redis():
    _shared(_redis(), open_attempts(Settings(redis_url=REDIS)))


@pytest.fixture(scope="module")
def tenancy():
    opened = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield opened.tenancy
    opened.close()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_throttling_holds_in_the_database(tenancy, own_sql_database_url, case):
    case(tenancy, open_attempts(Settings(database_url=own_sql_database_url)))


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_throttling_holds_in_redis(tenancy, case):
    case(tenancy, _redis())


def test_old_marks_are_pruned_from_the_database(own_sql_database_url):
    store = open_attempts(Settings(database_url=own_sql_database_url))
    old, new = unique("familiar:old"), unique("familiar:new")
    store.remember(old, NOW)
    store.remember(new, NOW + timedelta(days=40))
    rows = store._run(["SELECT key FROM ledger_signin_marks"])
    assert [key for (key,) in rows] == [new]
