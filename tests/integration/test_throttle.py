"""Failed sign-ins are seen by every process: two stores opened on the same database (as two
gunicorn workers do) count the same failures."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from infra.settings import Settings
from infra.throttle import RedisAttempts, open_attempts
from tests.support import unique

NOW = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def _shared(first, second) -> None:
    key = unique("user:someone")
    first.record_failure([key, "client:10.0.0.1"], NOW)
    second.record_failure([key], NOW + timedelta(minutes=1))
    assert second.failures([key], NOW - timedelta(minutes=15)) == {key: 2}
    assert first.failures([key], NOW + timedelta(seconds=30)) == {key: 1}  # the window
    first.clear(key)
    assert second.failures([key], NOW - timedelta(minutes=15)) == {key: 0}


def test_two_processes_share_the_failures_in_the_database(own_sql_database_url):
    settings = Settings(database_url=own_sql_database_url)
    _shared(open_attempts(settings), open_attempts(settings))


def test_two_processes_share_the_failures_in_redis():
    url = "redis://127.0.0.1:6379/15"
    first = RedisAttempts(url)
    try:
        first.failures(["probe"], NOW)
    except Exception as error:  # noqa: BLE001 - any trouble reaching Redis: not here
        reason = f"no Redis at {url}: {error}"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    _shared(first, open_attempts(Settings(redis_url=url)))
