"""The read model's storage (``projections.ledger.ViewStorage``), SQL: a page of facts and its
tallies committed with the new position in one transaction, the position moved first with a
compare-and-set so that two workers never both store a page; the writer process that stores
pages for a long catch-up; reset."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from itertools import chain
from typing import Any

import orjson

from infra.read_model_rows import COLUMNS, INSERT_FACTS, SQLITE_ROWS, dumps, fact_row, loads
from infra.read_model_schema import Dialect, retried, set_up
from infra.read_model_sql import SQLBase
from infra.view_writer import ViewWriter
from projections.ledger import SNAPSHOT_EVERY, Changes, TallyKey


class SQLStorage(SQLBase):
    """The projection's side of the read model, on the primary database; ``store_env`` says
    how a writer process opens it again (None: no writer process)."""

    snapshot_every = SNAPSHOT_EVERY

    def __init__(
        self,
        connect: Callable[[], Any],
        dialect: Dialect,
        store_env: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(connect, dialect)
        self._store_env = store_env
        self._writer: ViewWriter | None = None
        set_up(self)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        super().close()

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
                    self._add_tallies(cursor, tallies, position)
                if position // self.snapshot_every > since // self.snapshot_every:
                    self._snapshot(cursor, position)
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

    def _snapshot(self, cursor: Any, position: int) -> None:
        """The tally rows changed since the last snapshot, as they are at ``position``, and
        the mark: the last recording moment of the events up to it."""
        cursor.execute(
            "SELECT position, recorded_at FROM ledger_rm_marks ORDER BY position DESC LIMIT 1"
        )
        last = cursor.fetchone() or (0, "")
        cursor.execute(
            self._sql(
                "SELECT MAX(recorded_at), MIN(recorded_at) FROM ledger_rm_facts"
                " WHERE position > ? AND position <= ?"
            ),
            (last[0], position),
        )
        latest, earliest = cursor.fetchone()
        recorded = max(last[1], latest or "")
        cursor.execute(
            self._sql(
                "INSERT INTO ledger_rm_snapshots (position, township, period, counts)"
                " SELECT ?, township, period, counts FROM ledger_rm_tallies WHERE changed > ?"
            ),
            (position, last[0]),
        )
        cursor.execute(
            self._sql(
                "INSERT INTO ledger_rm_marks (position, recorded_at, earliest) VALUES (?, ?, ?)"
            ),
            (position, recorded, earliest or NONE_RECORDED),
        )

    def _add_tallies(
        self, cursor: Any, deltas: dict[TallyKey, dict[str, int]], position: int
    ) -> None:
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
            rows.append((*key, dumps(counts), position))
        insert = "INSERT INTO ledger_rm_tallies (township, period, counts, changed)"
        upsert = (
            " ON CONFLICT (township, period) DO UPDATE"
            " SET counts = excluded.counts, changed = excluded.changed"
        )
        if self._dialect.postgresql:  # the rows as one JSON document: psycopg adapts lists slowly
            cursor.execute(
                f"{insert} SELECT r->>0, r->>1, r->>2, (r->>3)::bigint"
                " FROM json_array_elements(%s::json) AS r" + upsert,
                (orjson.dumps(rows).decode(),),
            )
        else:
            cursor.executemany(f"{insert} VALUES (?, ?, ?, ?){upsert}", rows)

    def _insert_facts(self, cursor: Any, rows: list[tuple]) -> None:
        if self._dialect.postgresql:
            with cursor.copy(f"COPY ledger_rm_facts ({COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:  # SQLite: rows a statement, as many as its parameters allow (a fifth faster)
            for start in range(0, len(rows), SQLITE_ROWS):
                chunk = rows[start : start + SQLITE_ROWS]
                cursor.execute(INSERT_FACTS[len(chunk)], list(chain.from_iterable(chunk)))

    def reset(self) -> None:
        retried(self._reset)

    def _reset(self) -> None:
        with self._transaction("write") as cursor:
            cursor.execute("DELETE FROM ledger_rm_facts")
            cursor.execute("DELETE FROM ledger_rm_tallies")
            cursor.execute("DELETE FROM ledger_rm_snapshots")
            cursor.execute("DELETE FROM ledger_rm_marks")
            cursor.execute("UPDATE ledger_rm_position SET position = 0 WHERE name = 'ledger'")


NONE_RECORDED = "9"  # a mark's earliest moment when no fact came since the last: after any


class _Moved(Exception):
    """Another worker moved the position first: the transaction is rolled back."""


def usable_cores() -> int:
    """The cores this process may run on (a container's share, where it is limited)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
