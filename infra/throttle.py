"""Moments counted under keys (failed sign-ins, tokens issued), and the addresses each user
signed in from, kept where every worker process sees them: Redis when configured, else tables
in the ledger's database (SQLite or PostgreSQL). What they are counted for is
domain/signin.py's and domain/token.py's. A moment is kept a day (``KEPT``), longer than any
window it is counted in."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import psycopg.errors

from infra.settings import Settings

TABLE = "ledger_signin_failures"
MARKS = "ledger_signin_marks"
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (key TEXT NOT NULL, at TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_key ON {TABLE} (key, at)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_at ON {TABLE} (at)",
    f"CREATE TABLE IF NOT EXISTS {MARKS} (key TEXT PRIMARY KEY, at TEXT NOT NULL)",
)
KEPT = timedelta(days=1)
MARK_DAYS = 31  # Redis keeps a mark this long (longer than any question asked of it)
SCHEMA_ATTEMPTS = 5
MADE_MEANWHILE = (
    psycopg.IntegrityError,  # a duplicate row of PostgreSQL's catalogue (pg_type, pg_class)
    psycopg.errors.DuplicateTable,
    psycopg.errors.DuplicateObject,
    sqlite3.IntegrityError,
)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class SQLAttempts:
    def __init__(self, connect: Callable[[], Any], mark: str) -> None:
        self._connect = connect
        self._mark = mark
        for attempt in range(1, SCHEMA_ATTEMPTS + 1):
            try:
                self._run(SCHEMA)
                break
            except MADE_MEANWHILE:
                # Another process made the table or its index at the same moment (gunicorn's
                # workers starting together on a new database): PostgreSQL's IF NOT EXISTS
                # does not wait for it. Once it is committed, IF NOT EXISTS finds it.
                if attempt == SCHEMA_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)

    def _run(self, statements, params=()) -> list[tuple]:
        with closing(self._connect()) as connection:
            rows: list[tuple] = []
            with connection:  # one transaction, committed at the end
                cursor = connection.cursor()
                for statement in statements:
                    cursor.execute(statement.replace("?", self._mark), params)
                    if cursor.description:
                        rows = cursor.fetchall()
            return rows

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        found = {}
        for key in keys:
            statement = f"SELECT COUNT(*) FROM {TABLE} WHERE key = ? AND at >= ?"
            found[key] = self._run([statement], (key, _stamp(since)))[0][0]
        return found

    def record(self, keys: list[str], at: datetime) -> None:
        for key in keys:
            self._run([f"INSERT INTO {TABLE} (key, at) VALUES (?, ?)"], (key, _stamp(at)))
        self._run([f"DELETE FROM {TABLE} WHERE at < ?"], (_stamp(at - KEPT),))  # past use

    def clear(self, key: str) -> None:
        self._run([f"DELETE FROM {TABLE} WHERE key = ?"], (key,))

    def latest(self, key: str, since: datetime) -> datetime | None:
        statement = f"SELECT MAX(at) FROM {TABLE} WHERE key = ? AND at >= ?"
        latest = self._run([statement], (key, _stamp(since)))[0][0]
        return _moment(latest) if latest else None

    def remember(self, key: str, at: datetime) -> None:
        statement = (
            f"INSERT INTO {MARKS} (key, at) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET at = excluded.at"
        )
        self._run([statement], (key, _stamp(at)))

    def remembered(self, key: str, since: datetime) -> bool:
        statement = f"SELECT COUNT(*) FROM {MARKS} WHERE key = ? AND at >= ?"
        return self._run([statement], (key, _stamp(since)))[0][0] > 0


class RedisAttempts:
    """Each key a sorted set of moments (seconds), each kept a day, the set expiring a day after
    its last."""

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url)

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        low = since.timestamp()
        return {k: int(self._redis.zcount(f"ledger:signin:{k}", low, "+inf")) for k in keys}

    def record(self, keys: list[str], at: datetime) -> None:
        with self._redis.pipeline() as pipe:
            for key in keys:
                name = f"ledger:signin:{key}"
                # A member of its own: two moments at the same instant are two.
                pipe.zadd(name, {f"{at.timestamp()}:{uuid.uuid4().hex}": at.timestamp()})
                pipe.zremrangebyscore(name, "-inf", f"({(at - KEPT).timestamp()}")
                pipe.expire(name, int(KEPT.total_seconds()))
            pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(f"ledger:signin:{key}")

    def latest(self, key: str, since: datetime) -> datetime | None:
        name = f"ledger:signin:{key}"
        found = self._redis.zrevrangebyscore(name, "+inf", since.timestamp(), 0, 1, True)
        return datetime.fromtimestamp(found[0][1], UTC) if found else None

    def remember(self, key: str, at: datetime) -> None:
        name = f"ledger:signin:mark:{key}"
        self._redis.set(name, at.timestamp(), ex=MARK_DAYS * 86_400)

    def remembered(self, key: str, since: datetime) -> bool:
        at = self._redis.get(f"ledger:signin:mark:{key}")
        return at is not None and float(at) >= since.timestamp()


def open_attempts(settings: Settings) -> Any:
    """The shared store of failed sign-ins (creating its table when it is the database's)."""
    if settings.redis_url:
        return RedisAttempts(settings.redis_url)
    env = settings.event_store_env()
    module = env["PERSISTENCE_MODULE"]
    if module == "eventsourcing.sqlite":
        path = env["SQLITE_DBNAME"]
        uri = path.startswith("file:")
        return SQLAttempts(lambda: sqlite3.connect(path, timeout=30, uri=uri), "?")
    if module == "eventsourcing.postgres":
        options = f"-c search_path={env['POSTGRES_SCHEMA']}" if "POSTGRES_SCHEMA" in env else ""
        return SQLAttempts(
            lambda: psycopg.connect(
                dbname=env["POSTGRES_DBNAME"],
                host=env["POSTGRES_HOST"],
                port=env["POSTGRES_PORT"],
                user=env["POSTGRES_USER"],
                password=env["POSTGRES_PASSWORD"],
                options=options,
            ),
            "%s",
        )
    from services.accounts import InMemoryAttempts

    return InMemoryAttempts()
