"""The ledger read model in SQL tables beside the event store (SQLite or PostgreSQL).

Facts (one row per township-entry event) answer any figure as of any moment; tallies keep the
current per-period counts the ranking reads; one position row tracks the log. A page of
events, its tallies and the new position commit in one transaction.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

import orjson

from infra.projector_lock import AdvisoryLeadership, FileLeadership
from infra.read_model_audit import AuditQueries
from infra.read_model_rows import (
    COLUMNS,
    INSERT_FACTS,
    SQLITE_ROWS,
    dumps,
    fact_from_row,
    fact_row,
    loads,
    row_from_message,
    stamp,
    storable,
)
from infra.read_model_schema import POSTGRESQL, SCHEMA_VERSION, SQLITE, Dialect, retried, set_up
from infra.settings import postgres_conninfo
from infra.view_writer import ViewWriter
from projections.figures import Fact
from projections.ledger import Changes, EveryoneLeads, Leadership, TallyKey
from projections.memory import InMemoryLedgerView

# Where the tests and the writer process find them.
__all__ = [
    "COLUMNS",
    "SCHEMA_VERSION",
    "SQLLedgerView",
    "fact_row",
    "open_view",
    "row_from_message",
    "stamp",
]


class SQLLedgerView(AuditQueries):
    """Portable SQL; ``connect`` gives a DB-API connection of the ``dialect``; ``read_connect``,
    where given, one to a streaming replica of the database, which every query then reads
    (the position included, so a page that waits for its user's write waits for the replica's
    copy of it); writes always go to ``connect``'s."""

    def __init__(
        self,
        connect: Callable[[], Any],
        dialect: Dialect,
        store_env: Mapping[str, str] | None = None,
        leadership: Callable[[], Leadership] = EveryoneLeads,
        read_connect: Callable[[], Any] | None = None,
    ) -> None:
        self._connect = connect
        self._read_connect = read_connect
        self._dialect = dialect
        self.leadership = leadership  # which of several projection workers projects
        self._store_env = store_env  # how a writer process opens this view (None: no writer)
        self._writer: ViewWriter | None = None
        self._local = threading.local()
        set_up(self)

    # -- connection handling ----------------------------------------------------------------

    @property
    def _connection(self) -> Any:
        return self._connected("connection", self._connect)

    @property
    def _reading(self) -> Any:
        """The connection queries read (a replica's, where there is one)."""
        if self._read_connect is None:
            return self._connection
        return self._connected("reading", self._read_connect)

    def _connected(self, name: str, connect: Callable[[], Any]) -> Any:
        """This thread's connection ``name``, made by ``connect`` when it has none."""
        connection = getattr(self._local, name, None)
        if connection is not None and getattr(connection, "closed", False):
            # PostgreSQL went away (a restart, a failover): psycopg marks the connection
            # closed, and it stays so. A new one, else every later query of this thread fails.
            connection = None
        if connection is None:
            connection = connect()
            setattr(self._local, name, connection)
        return connection

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._dialect.mark)

    def _transaction(self, mode: str = "read") -> Any:
        view = self
        begin = self._dialect.begin[mode]

        class Transaction:
            def __enter__(self) -> Any:
                self.connection = view._reading if mode == "read" else view._connection
                self.cursor = self.connection.cursor()
                if begin:
                    self.cursor.execute(begin)
                return self.cursor

            def __exit__(self, kind: Any, *_: Any) -> None:
                if kind is None:
                    self.connection.commit()
                elif not getattr(self.connection, "closed", False):  # lost: nothing to undo
                    self.connection.rollback()

        return Transaction()

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        try:
            return self._read(statement, params)
        except Exception:
            used = "reading" if self._read_connect is not None else "connection"
            if not getattr(getattr(self._local, used, None), "closed", False):
                raise
        # This thread's connection was made before the database restarted: a read is asked
        # again once, on a new connection (which fails in its turn if the database is away).
        return self._read(statement, params)

    def _read(self, statement: str, params: Sequence[Any]) -> list[tuple]:
        with self._transaction() as cursor:
            cursor.execute(self._sql(statement), params)
            return cursor.fetchall()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        for name in ("connection", "reading"):
            connection = getattr(self._local, name, None)
            if connection is not None:
                connection.close()
                setattr(self._local, name, None)

    # -- the LedgerView interface -----------------------------------------------------------

    def position(self) -> int:
        return self._query("SELECT position FROM ledger_rm_position WHERE name = 'ledger'")[0][0]

    def commit(self, changes: Changes, *, since: int, position: int) -> bool:
        rows = [fact_row(fact) for fact in changes.facts]
        return self.store(rows, changes.tallies, since=since, position=position)

    def store(
        self,
        rows: list[tuple],
        tallies: dict[TallyKey, dict[str, int]],
        *,
        since: int,
        position: int,
    ) -> bool:
        """``commit`` with the facts already as rows (as a writer process receives them); a
        page that meets another process's transaction is stored again."""
        return retried(lambda: self._store(rows, tallies, since=since, position=position))

    def _store(
        self,
        rows: list[tuple],
        tallies: dict[TallyKey, dict[str, int]],
        *,
        since: int,
        position: int,
    ) -> bool:
        try:
            # The position moves first: a second worker waits on that row, then finds it moved.
            with self._transaction("write") as cursor:
                cursor.execute(
                    self._sql(
                        "UPDATE ledger_rm_position SET position = ? WHERE name = 'ledger'"
                        " AND position = ?"
                    ),
                    (position, since),
                )
                if cursor.rowcount != 1:
                    raise _Moved
                if rows:
                    self._insert_facts(cursor, rows)
                if tallies:
                    self._add_tallies(cursor, tallies)
        except _Moved:
            return False
        return True

    def writer(self) -> ViewWriter | None:
        """The process that stores pages for a long catch-up, started on first use and kept
        (idle, it waits on a pipe) until the view closes; a new one after a failure."""
        if self._store_env is None or usable_cores() < 2:  # one core: nothing to gain
            return None
        if self._writer is None or not self._writer.alive():
            self._writer = ViewWriter(self._store_env)
        return self._writer

    def _add_tallies(self, cursor: Any, deltas: dict[TallyKey, dict[str, int]]) -> None:
        """Add the deltas to the rows they change, read and written in the commit's transaction
        (so after the position moved: no other worker is between the two)."""
        townships, township_params = self._in("township", sorted({t for t, _ in deltas}))
        periods, period_params = self._in("period", sorted({p for _, p in deltas}))
        cursor.execute(
            self._sql(
                "SELECT township, period, counts FROM ledger_rm_tallies"
                f" WHERE {townships} AND {periods}"
            ),
            [*township_params, *period_params],
        )
        current = {(t, p): counts for t, p, counts in cursor.fetchall() if (t, p) in deltas}
        rows = []
        for key, delta in deltas.items():
            counts = loads(current[key]) if key in current else {}
            for name, value in delta.items():
                if total := counts.get(name, 0) + value:
                    counts[name] = total
                else:
                    counts.pop(name, None)
            rows.append((*key, dumps(counts)))
        insert = "INSERT INTO ledger_rm_tallies (township, period, counts)"
        upsert = " ON CONFLICT (township, period) DO UPDATE SET counts = excluded.counts"
        if self._dialect.postgresql:  # the rows as one JSON document: psycopg adapts lists slowly
            cursor.execute(
                f"{insert} SELECT r->>0, r->>1, r->>2 FROM json_array_elements(%s::json) AS r"
                + upsert,
                (orjson.dumps(rows).decode(),),
            )
        else:
            cursor.executemany(f"{insert} VALUES (?, ?, ?){upsert}", rows)

    def _insert_facts(self, cursor: Any, rows: list[tuple]) -> None:
        if self._dialect.postgresql:
            with cursor.copy(f"COPY ledger_rm_facts ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:  # SQLite: rows a statement, as many as its parameters allow (a fifth faster)
            for start in range(0, len(rows), SQLITE_ROWS):
                chunk = rows[start : start + SQLITE_ROWS]
                cursor.execute(INSERT_FACTS[len(chunk)], list(chain.from_iterable(chunk)))

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ?"
            " AND entry_occurred_on <= ? AND recorded_at <= ? ORDER BY position",
            (storable(township), (until or date.max).isoformat(), stamp(as_of) if as_of else "9"),
        )
        return [fact_from_row(row) for row in rows]

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ? AND entry_id = ?"
            " ORDER BY position",
            (storable(township), storable(entry_id)),
        )
        return [fact_from_row(row) for row in rows]

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        found: dict[str, Counter[str]] = {t: Counter() for t in townships}
        if not townships:
            return found
        where, params = self._in("township", townships)
        rows = self._query(
            f"SELECT township, counts FROM ledger_rm_tallies WHERE period = ? AND {where}",
            [period, *params],
        )
        for township, counts in rows:
            values = loads(counts)
            if names is not None:
                values = {name: values[name] for name in names if name in values}
            found[township].update(values)
        return found

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """``column`` is one of ``values``, as one parameter whatever their number: an array
        on PostgreSQL, a JSON array on SQLite (a marker each would break the limit of
        parameters of older SQLite builds, 999, with a county of 1,000 townships; and a
        statement with a thousand markers costs milliseconds to prepare)."""
        if self._dialect.postgresql:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN (SELECT value FROM json_each(?))", [orjson.dumps(values).decode()]

    def reset(self) -> None:
        retried(self._reset)

    def _reset(self) -> None:
        with self._transaction("write") as cursor:
            cursor.execute("DELETE FROM ledger_rm_facts")
            cursor.execute("DELETE FROM ledger_rm_tallies")
            cursor.execute("UPDATE ledger_rm_position SET position = 0 WHERE name = 'ledger'")


class _Moved(Exception):
    """Another worker moved the position first: the transaction is rolled back."""


def usable_cores() -> int:
    """The cores this process may run on (a container's share, where it is limited)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def open_view(store_env: dict[str, str], replica_env: dict[str, str] | None = None) -> Any:
    """The read model beside the event store that ``store_env`` describes; its queries read a
    PostgreSQL streaming replica where ``replica_env`` describes one."""
    module = store_env["PERSISTENCE_MODULE"]
    if module == "eventsourcing.popo":
        return InMemoryLedgerView()
    if module == "eventsourcing.sqlite":
        path = store_env["SQLITE_DBNAME"]

        def connect_sqlite() -> sqlite3.Connection:
            connection = sqlite3.connect(
                path,
                timeout=float(store_env.get("SQLITE_LOCK_TIMEOUT", "30")),
                isolation_level=None,
                uri=path.startswith("file:"),
                check_same_thread=False,
            )
            # The file is in WAL mode already (infra.wiring.use_wal). With WAL, NORMAL keeps
            # the file consistent; a crash may lose the last pages,
            # which the position (committed with them) then has the worker project again.
            connection.execute("PRAGMA synchronous=NORMAL")
            return connection

        # An in-memory database is this process's alone: no writer process can reach it.
        in_memory = path.startswith("file:")
        if in_memory:
            return SQLLedgerView(connect_sqlite, SQLITE)
        return SQLLedgerView(
            connect_sqlite, SQLITE, store_env, lambda: FileLeadership(f"{path}-projector.lock")
        )
    if module == "eventsourcing.postgres":
        import psycopg

        schema = store_env.get("POSTGRES_SCHEMA")

        def connect_postgres(conninfo: str = postgres_conninfo(store_env)) -> Any:
            connection = psycopg.connect(conninfo)
            if schema:
                connection.execute(f'SET search_path TO "{schema}"')
            # As SQLite's synchronous=NORMAL: a server crash may lose the last pages, with
            # the position committed with them, and the worker projects them again.
            connection.execute("SET synchronous_commit = off")
            connection.commit()
            return connection

        replica = postgres_conninfo(replica_env) if replica_env else None
        return SQLLedgerView(
            connect_postgres,
            POSTGRESQL,
            store_env,
            lambda: AdvisoryLeadership(connect_postgres),
            read_connect=(lambda: connect_postgres(replica)) if replica else None,
        )
    raise ValueError(f"no read model for {module}")
