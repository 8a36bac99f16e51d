"""What the read model's SQL classes share (infra/read_model.py's queries, infra/
read_model_storage.py's storage): a connection per thread made when first needed, and made
again after the database was away; transactions; the dialect's forms."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from infra.read_model_rows import COLUMNS, fact_from_row, storable
from infra.read_model_schema import Dialect
from projections.figures import Fact


class SQLBase:
    """Portable SQL on the connections ``connect`` makes (DB-API, of the ``dialect``)."""

    def __init__(self, connect: Callable[[], Any], dialect: Dialect) -> None:
        self._connect = connect
        self._dialect = dialect
        self._local = threading.local()

    @property
    def _connection(self) -> Any:
        return self._connected("connection", self._connect)

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
                self.connection = view._connection
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
            if not getattr(getattr(self._local, "connection", None), "closed", False):
                raise
        # This thread's connection was made before the database restarted: a read is asked
        # again once, on a new connection (which fails in its turn if the database is away).
        return self._read(statement, params)

    def _read(self, statement: str, params: Sequence[Any]) -> list[tuple]:
        with self._transaction() as cursor:
            cursor.execute(self._sql(statement), params)
            return cursor.fetchall()

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def position(self) -> int:
        return self._query("SELECT position FROM ledger_rm_position WHERE name = 'ledger'")[0][0]

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ? AND entry_id = ?"
            " ORDER BY position",
            (storable(township), storable(entry_id)),
        )
        return [fact_from_row(row) for row in rows]

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """``column`` is one of ``values``, as one parameter whatever their number: an array
        on PostgreSQL, a JSON array on SQLite (a marker each would break the limit of
        parameters of older SQLite builds, 999, with a county of 1,000 townships; and a
        statement with a thousand markers costs milliseconds to prepare)."""
        if self._dialect.postgresql:
            return f"{column} = ANY(?)", [list(values)]
        return f"{column} IN (SELECT value FROM json_each(?))", [orjson.dumps(values).decode()]
