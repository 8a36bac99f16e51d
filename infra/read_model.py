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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import chain
from typing import Any

import orjson

from infra.read_model_audit import AuditQueries
from infra.view_writer import ViewWriter
from projections.figures import Fact
from projections.ledger import Changes, TallyKey
from projections.memory import InMemoryLedgerView

# The read model is derived: when its tables change shape (or what the tallies count: 4 added
# decisions.by_step), this number goes up, and opening a database whose read model has another
# number drops those tables, to be rebuilt from zero.
SCHEMA_VERSION = 4
READ_MODEL_TABLES = ("ledger_rm_facts", "ledger_rm_tallies", "ledger_rm_position")
SCHEMA = (
    """CREATE TABLE IF NOT EXISTS ledger_rm_facts (
        position {position_key},
        township TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        entry_type TEXT NOT NULL,
        entry_occurred_on TEXT NOT NULL,
        type TEXT NOT NULL,
        occurred_on TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        actor TEXT NOT NULL,
        payload TEXT NOT NULL)""",
    # One index serves both reads: a township's facts, and one entry's (township, entry id).
    "CREATE INDEX IF NOT EXISTS ledger_rm_facts_entry ON ledger_rm_facts (township, entry_id)",
    # One row per township and period: its non-zero counts, as a JSON object by figure name
    # (a row per figure made a rebuild write two tally rows per event).
    """CREATE TABLE IF NOT EXISTS ledger_rm_tallies (
        township TEXT NOT NULL,
        period TEXT NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (township, period))""",
    """CREATE TABLE IF NOT EXISTS ledger_rm_position (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL)""",
    "INSERT INTO ledger_rm_position (name, position) VALUES ('ledger', 0) ON CONFLICT DO NOTHING",
)
SQLITE_ROWS = 90  # fact rows an INSERT on SQLite: 900 parameters, under every build's limit
SCHEMA_LOCK = 0x7C3B_5E11_A0D6_2024  # any fixed number: PostgreSQL's advisory lock for SCHEMA
COLUMNS = (
    "position, township, entry_id, entry_type, entry_occurred_on, type,"
    " occurred_on, recorded_at, actor, payload"
)

_INSERT_FACTS = {  # by the number of rows
    n: f"INSERT INTO ledger_rm_facts ({COLUMNS}) VALUES "
    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * n)
    for n in range(1, SQLITE_ROWS + 1)
}


def stamp(moment: datetime) -> str:
    """A UTC moment as fixed-width text, so that text order is time order (ISO 8601 with
    microseconds; orjson writes it four times faster than ``isoformat``, which a rebuild
    felt, but leaves out microseconds that are zero)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    text = orjson.dumps(moment)[1:-1].decode()
    return text if moment.microsecond else f"{text[:19]}.000000{text[19:]}"


def _unstamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Dialect:
    mark: str  # the driver's parameter marker
    begin: dict[str, str]  # statement opening a "read" or "write" transaction ("": implicit)
    position_key: str
    # PostgreSQL's own forms: "column = ANY(array)" instead of a list of markers; facts written
    # with COPY and tallies as one JSON document, instead of a statement per row (3-4x faster).
    postgresql: bool
    serialise: str = ""  # run first when creating the tables, so creators take turns


SQLITE = Dialect(
    mark="?",
    begin={"read": "BEGIN", "write": "BEGIN IMMEDIATE"},  # IMMEDIATE: writers take turns
    # Only INTEGER PRIMARY KEY is SQLite's row id itself; another type adds an index to keep.
    position_key="INTEGER PRIMARY KEY",
    postgresql=False,
)
POSTGRESQL = Dialect(
    mark="%s",
    begin={"read": "", "write": ""},
    position_key="BIGINT PRIMARY KEY",
    postgresql=True,
    # CREATE TABLE IF NOT EXISTS run by two processes at once fails on PostgreSQL (a duplicate
    # type): a lock held until the schema transaction ends makes them take turns.
    serialise=f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})",
)


class SQLLedgerView(AuditQueries):
    """Portable SQL; ``connect`` gives a DB-API connection of the ``dialect``."""

    def __init__(
        self,
        connect: Callable[[], Any],
        dialect: Dialect,
        store_env: Mapping[str, str] | None = None,
    ) -> None:
        self._connect = connect
        self._dialect = dialect
        self._store_env = store_env  # how a writer process opens this view (None: no writer)
        self._writer: ViewWriter | None = None
        self._local = threading.local()
        with self._transaction("write") as cursor:
            if dialect.serialise:
                cursor.execute(dialect.serialise)
            self._replace_other_versions(cursor)
            for statement in SCHEMA:
                cursor.execute(statement.replace("{position_key}", dialect.position_key))

    def _replace_other_versions(self, cursor: Any) -> None:
        cursor.execute("CREATE TABLE IF NOT EXISTS ledger_rm_schema (version INTEGER NOT NULL)")
        cursor.execute("SELECT version FROM ledger_rm_schema")
        if cursor.fetchall() == [(SCHEMA_VERSION,)]:
            return
        for table in READ_MODEL_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute("DELETE FROM ledger_rm_schema")
        cursor.execute(
            self._sql("INSERT INTO ledger_rm_schema (version) VALUES (?)"), (SCHEMA_VERSION,)
        )

    # -- connection handling ----------------------------------------------------------------

    @property
    def _connection(self) -> Any:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self._connect()
        return connection

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self._dialect.mark)

    def _transaction(self, mode: str = "read") -> Any:
        view = self
        begin = self._dialect.begin[mode]

        class Transaction:
            def __enter__(self) -> Any:
                self.cursor = view._connection.cursor()
                if begin:
                    self.cursor.execute(begin)
                return self.cursor

            def __exit__(self, kind: Any, *_: Any) -> None:
                if kind is None:
                    view._connection.commit()
                else:
                    view._connection.rollback()

        return Transaction()

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._transaction() as cursor:
            cursor.execute(self._sql(statement), params)
            return cursor.fetchall()

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

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
        """``commit`` with the facts already as rows (as a writer process receives them)."""
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
            counts = _loads(current[key]) if key in current else {}
            for name, value in delta.items():
                if total := counts.get(name, 0) + value:
                    counts[name] = total
                else:
                    counts.pop(name, None)
            rows.append((*key, _dumps(counts)))
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
                cursor.execute(_INSERT_FACTS[len(chunk)], list(chain.from_iterable(chunk)))

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ?"
            " AND entry_occurred_on <= ? AND recorded_at <= ? ORDER BY position",
            (township, (until or date.max).isoformat(), stamp(as_of) if as_of else "9"),
        )
        return [_fact(row) for row in rows]

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ? AND entry_id = ?"
            " ORDER BY position",
            (township, entry_id),
        )
        return [_fact(row) for row in rows]

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
            values = _loads(counts)
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
        with self._transaction("write") as cursor:
            cursor.execute("DELETE FROM ledger_rm_facts")
            cursor.execute("DELETE FROM ledger_rm_tallies")
            cursor.execute("UPDATE ledger_rm_position SET position = 0 WHERE name = 'ledger'")


class _Moved(Exception):
    """Another worker moved the position first: the transaction is rolled back."""


def fact_row(fact: Fact) -> tuple:
    return (
        fact.position,
        fact.township,
        fact.entry_id,
        fact.entry_type,
        fact.entry_occurred_on.isoformat(),
        fact.type,
        fact.occurred_on.isoformat(),
        stamp(fact.recorded_at),
        fact.actor,
        _dumps(fact.payload),
    )


def usable_cores() -> int:
    """The cores this process may run on (a container's share, where it is limited)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def row_from_message(item: list[Any]) -> tuple:
    """A fact's row from its JSON form in a writer message (``ViewWriter.send``): dates are
    ISO text already, the recording time RFC 3339 text as orjson writes it."""
    recorded_at = item[7]
    if not (len(recorded_at) == 32 and recorded_at.endswith("+00:00")):
        recorded_at = stamp(datetime.fromisoformat(recorded_at))
    return (*item[:7], recorded_at, item[8], _dumps(item[9]))


def _dumps(value: Any) -> str:
    """JSON text with its keys sorted, so that equal models have equal rows; dates as ISO text
    (payload values are text, numbers, lists or dates)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


_loads = orjson.loads


def _fact(row: tuple) -> Fact:
    return Fact(
        position=row[0],
        township=row[1],
        entry_id=row[2],
        entry_type=row[3],
        entry_occurred_on=date.fromisoformat(row[4]),
        type=row[5],
        occurred_on=date.fromisoformat(row[6]),
        recorded_at=_unstamp(row[7]),
        actor=row[8],
        payload=_loads(row[9]),
    )


def open_view(store_env: dict[str, str]) -> Any:
    """The read model beside the event store that ``store_env`` describes."""
    module = store_env["PERSISTENCE_MODULE"]
    if module == "eventsourcing.popo":
        return InMemoryLedgerView()
    if module == "eventsourcing.sqlite":
        path = store_env["SQLITE_DBNAME"]

        def connect_sqlite() -> sqlite3.Connection:
            connection = sqlite3.connect(
                path,
                timeout=30,
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
        return SQLLedgerView(connect_sqlite, SQLITE, None if in_memory else store_env)
    if module == "eventsourcing.postgres":
        import psycopg

        conninfo = psycopg.conninfo.make_conninfo(
            dbname=store_env["POSTGRES_DBNAME"],
            host=store_env["POSTGRES_HOST"],
            port=store_env["POSTGRES_PORT"],
            user=store_env["POSTGRES_USER"],
            password=store_env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=store_env.get("POSTGRES_CONNECT_TIMEOUT", "10"),
        )
        schema = store_env.get("POSTGRES_SCHEMA")

        def connect_postgres() -> Any:
            connection = psycopg.connect(conninfo)
            if schema:
                connection.execute(f'SET search_path TO "{schema}"')
            # As SQLite's synchronous=NORMAL: a server crash may lose the last pages, with
            # the position committed with them, and the worker projects them again.
            connection.execute("SET synchronous_commit = off")
            connection.commit()
            return connection

        return SQLLedgerView(connect_postgres, POSTGRESQL, store_env)
    raise ValueError(f"no read model for {module}")
