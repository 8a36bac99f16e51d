"""Moments counted under keys (failed sign-ins, tokens issued), and the addresses each user
signed in from, kept where every worker process sees them: Redis when configured, else tables
in the ledger's database (SQLite or PostgreSQL). What they are counted for is
domain/signin.py's and domain/token.py's. A moment is kept as long as the longest window it is
counted in (``KEPT``), a mark as long as it is asked about (``MARK_KEPT``): older ones are
deleted as new ones are written.

``take`` counts and records in one step that no other process can come between (SQLite's
write lock, PostgreSQL's advisory locks on the keys, Redis's WATCH): parallel attempts cannot
all read the same count below the limit and all pass."""

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

from domain.signin import FAILURE_WINDOW, FAMILIAR_FOR
from domain.token import ISSUE_WINDOW
from infra.settings import Settings

# The moments with the ticket of the step that took them (an earlier table without it,
# ledger_signin_failures, is no longer read: its moments were at most a day old).
TABLE = "ledger_signin_moments"
MARKS = "ledger_signin_marks"
SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE}"
    " (key TEXT NOT NULL, at TEXT NOT NULL, ticket TEXT NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_ticket ON {TABLE} (ticket)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_key ON {TABLE} (key, at)",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_at ON {TABLE} (at)",
    f"CREATE TABLE IF NOT EXISTS {MARKS} (key TEXT PRIMARY KEY, at TEXT NOT NULL)",
)
KEPT = max(FAILURE_WINDOW, ISSUE_WINDOW)
MARK_KEPT = FAMILIAR_FOR + timedelta(days=1)
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
    def __init__(self, connect: Callable[[], Any], mark: str, lock: Callable[[Any, list], None]):
        self._connect = connect
        self._mark = mark
        self._lock = lock  # takes the write lock of a step, on the keys it counts
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
                    rows = self._execute(cursor, statement, params) or rows
            return rows

    def _execute(self, cursor, statement: str, params=()) -> list[tuple] | None:
        cursor.execute(statement.replace("?", self._mark), params)
        return cursor.fetchall() if cursor.description else None

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        with closing(self._connect()) as connection, connection:
            return self._counts(connection.cursor(), keys, since)

    def _counts(self, cursor, keys: list[str], since: datetime) -> dict[str, int]:
        statement = f"SELECT COUNT(*) FROM {TABLE} WHERE key = ? AND at >= ?"
        return {k: self._execute(cursor, statement, (k, _stamp(since)))[0][0] for k in keys}

    def record(self, keys: list[str], at: datetime) -> None:
        self.take(keys, at, at, lambda counts: None)

    def take(
        self,
        keys: list[str],
        since: datetime,
        at: datetime,
        allow: Callable[[dict[str, int]], None],
    ) -> str:
        ticket = uuid.uuid4().hex
        with closing(self._connect()) as connection, connection:
            cursor = connection.cursor()
            self._lock(cursor, keys)
            allow(self._counts(cursor, keys, since))  # raises to refuse: nothing taken
            for key in keys:
                insert = f"INSERT INTO {TABLE} (key, at, ticket) VALUES (?, ?, ?)"
                self._execute(cursor, insert, (key, _stamp(at), ticket))
            self._execute(cursor, f"DELETE FROM {TABLE} WHERE at < ?", (_stamp(at - KEPT),))
        return ticket

    def give_back(self, keys: list[str], ticket: str) -> None:
        self._run([f"DELETE FROM {TABLE} WHERE ticket = ?"], (ticket,))

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
        self._run([f"DELETE FROM {MARKS} WHERE at < ?"], (_stamp(at - MARK_KEPT),))

    def remembered(self, key: str, since: datetime) -> bool:
        statement = f"SELECT COUNT(*) FROM {MARKS} WHERE key = ? AND at >= ?"
        return self._run([statement], (key, _stamp(since)))[0][0] > 0


def _sqlite_lock(cursor, keys: list[str]) -> None:
    """SQLite's one writer: taken now, before the counts are read (the connection is in
    autocommit mode, so this BEGIN is the transaction's)."""
    cursor.execute("BEGIN IMMEDIATE")


def _postgres_lock(cursor, keys: list[str]) -> None:
    """A transaction's advisory lock on each key, in one order (no two steps wait on each
    other): steps on other keys go on in parallel."""
    for key in sorted(set(keys)):
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))


class _SQLite:
    """A sqlite3 connection whose transactions this code begins itself (BEGIN IMMEDIATE) and
    ``with`` commits or rolls back."""

    def __init__(self, path: str, uri: bool) -> None:
        self._connection = sqlite3.connect(path, timeout=30, uri=uri, isolation_level=None)

    def cursor(self):
        return self._connection.cursor()

    def close(self) -> None:
        self._connection.close()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self._connection.in_transaction:
            self._connection.execute("ROLLBACK" if kind else "COMMIT")


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
        self.take(keys, at, at, lambda counts: None)

    def take(
        self,
        keys: list[str],
        since: datetime,
        at: datetime,
        allow: Callable[[dict[str, int]], None],
    ) -> str:
        ticket = uuid.uuid4().hex  # a member of its own: two moments at one instant are two
        names = [f"ledger:signin:{k}" for k in keys]

        def step(pipe) -> None:  # again from the start if a watched key changed meanwhile
            low = since.timestamp()
            allow({k: int(pipe.zcount(n, low, "+inf")) for k, n in zip(keys, names, strict=True)})
            pipe.multi()
            for name in names:
                pipe.zadd(name, {ticket: at.timestamp()})
                pipe.zremrangebyscore(name, "-inf", f"({(at - KEPT).timestamp()}")
                pipe.expire(name, int(KEPT.total_seconds()))

        self._redis.transaction(step, *names)
        return ticket

    def give_back(self, keys: list[str], ticket: str) -> None:
        with self._redis.pipeline() as pipe:
            for key in keys:
                pipe.zrem(f"ledger:signin:{key}", ticket)
            pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(f"ledger:signin:{key}")

    def latest(self, key: str, since: datetime) -> datetime | None:
        name = f"ledger:signin:{key}"
        found = self._redis.zrevrangebyscore(name, "+inf", since.timestamp(), 0, 1, True)
        return datetime.fromtimestamp(found[0][1], UTC) if found else None

    def remember(self, key: str, at: datetime) -> None:
        name = f"ledger:signin:mark:{key}"
        self._redis.set(name, at.timestamp(), ex=int(MARK_KEPT.total_seconds()))

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
        return SQLAttempts(lambda: _SQLite(path, uri), "?", _sqlite_lock)
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
            _postgres_lock,
        )
    from services.accounts import InMemoryAttempts

    return InMemoryAttempts()
