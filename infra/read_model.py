"""The ledger read model in SQL tables beside the event store (SQLite or PostgreSQL).

Facts (one row per township-entry event) answer any figure as of any moment; tallies keep the
current per-period counts the ranking reads; one position row tracks the log. A page of
events, its tallies and the new position commit in one transaction.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from infra.projector_lock import AdvisoryLeadership, FileLeadership
from infra.read_model_audit import AuditQueries
from infra.read_model_rows import COLUMNS, fact_from_row, loads, stamp, storable
from infra.read_model_schema import POSTGRESQL, SQLITE
from infra.read_model_sql import SQLBase
from infra.read_model_storage import SQLStorage
from infra.settings import postgres_conninfo
from projections.figures import Fact
from projections.ledger import EveryoneLeads, LedgerView
from projections.memory import in_memory_view


class SQLQueries(SQLBase, AuditQueries):
    """The read model's queries (``projections.ledger.ViewQueries``), SQL: on the primary, or on
    a streaming replica of it (the position included: a page that waits for its user's write
    waits for the replica's copy of it)."""

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ?"
            " AND entry_occurred_on <= ? AND recorded_at <= ? ORDER BY position",
            (storable(township), (until or date.max).isoformat(), stamp(as_of) if as_of else "9"),
        )
        return [fact_from_row(row) for row in rows]

    def facts_after(self, township: str, position: int) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ? AND position > ?"
            " ORDER BY position",
            (storable(township), position),
        )
        return [fact_from_row(row) for row in rows]

    def mark_before(self, moment: datetime) -> int | None:
        rows = self._query(
            "SELECT position FROM ledger_rm_marks WHERE recorded_at <= ?"
            " ORDER BY position DESC LIMIT 1",
            (stamp(moment),),
        )
        return rows[0][0] if rows else None

    def tallies_at(
        self, townships: Sequence[str], period: str, names: Sequence[str], position: int
    ) -> dict[str, Counter[str]]:
        """The tallies as the last snapshot at or before ``position`` holds them."""
        return self._counters(
            "SELECT township, counts FROM ledger_rm_snapshots WHERE period = ? AND {where}"
            " AND position <= ? ORDER BY position",  # the last of each township wins
            townships, period, names, position,
        )  # fmt: skip

    def facts_between(
        self, townships: Sequence[str], position: int, moment: datetime, *, until: date
    ) -> list[Fact]:
        """Read from ``position`` (a snapshot's) to the last snapshot whose events since the one
        before include one recorded by ``moment``, and after the last snapshot: a few snapshots'
        worth of facts, not the rest of the log."""
        [(upto, last)] = self._query(
            "SELECT MAX(CASE WHEN earliest <= ? THEN position END), MAX(position)"
            " FROM ledger_rm_marks",
            (stamp(moment),),
        )
        upto = max(upto or 0, position)
        # ``township || ''``: read by position, not through a township index (every fact of a
        # county is of one of its townships; both stores' planners would walk them all).
        where, params = self._in("township || ''", [storable(t) for t in townships])
        found = []
        for lower, upper in ((position, upto), (max(upto, last or 0), None)):
            bound = "" if upper is None else f" AND position <= {int(upper)}"
            rows = self._query(
                f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE position > ?{bound}"
                f" AND recorded_at <= ? AND {where} AND entry_occurred_on <= ? ORDER BY position",
                [lower, stamp(moment), *params, until.isoformat()],
            )
            found.extend(fact_from_row(row) for row in rows)
        return found

    def period_facts(
        self,
        townships: Sequence[str],
        start: date,
        end: date,
        *,
        as_of: datetime | None,
        payloads: Collection[str] = (),
    ) -> list[Fact]:
        where, params = self._in("township", [storable(t) for t in townships])
        read, types = self._in("type", list(payloads))
        rows = self._query(
            "SELECT position, township, entry_id, entry_type, entry_occurred_on, type,"
            f" occurred_on, recorded_at, '', CASE WHEN {read} THEN payload ELSE '{{}}' END"
            f" FROM ledger_rm_facts WHERE {where} AND entry_occurred_on >= ?"
            " AND entry_occurred_on <= ? AND recorded_at <= ? ORDER BY position",
            [*types, *params, start.isoformat(), end.isoformat(), stamp(as_of) if as_of else "9"],
        )
        return [fact_from_row(row) for row in rows]

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        return self._counters(
            "SELECT township, counts FROM ledger_rm_tallies WHERE period = ? AND {where}",
            townships, period, names,
        )  # fmt: skip

    def township_tallies(self, township: str, periods: Sequence[str]) -> dict[str, Counter[str]]:
        where, params = self._in("period", list(periods))
        rows = self._query(
            f"SELECT period, counts FROM ledger_rm_tallies WHERE township = ? AND {where}",
            [storable(township), *params],
        )
        found = {p: Counter() for p in periods}
        for period, counts in rows:
            found[period] = +Counter(loads(counts))
        return found

    def _counters(
        self,
        query: str,
        townships: Sequence[str],
        period: str,
        names: Sequence[str] | None,
        *after: object,
    ) -> dict[str, Counter[str]]:
        """Each township's counts (``names`` of them, or all) from rows of township and
        counts; a township's later row replaces an earlier one."""
        found: dict[str, Counter[str]] = {t: Counter() for t in townships}
        if not townships:
            return found
        where, params = self._in("township", townships)
        latest = dict(self._query(query.format(where=where), [period, *params, *after]))
        for township, counts in latest.items():
            values = loads(counts)
            found[township] = Counter(
                values if names is None else {n: values[n] for n in names if values.get(n)}
            )
        return found


def open_view(store_env: dict[str, str], replica_env: dict[str, str] | None = None) -> LedgerView:
    """The read model beside the event store that ``store_env`` describes; its queries read a
    PostgreSQL streaming replica where ``replica_env`` describes one."""
    module = store_env["PERSISTENCE_MODULE"]
    if module == "eventsourcing.popo":
        return in_memory_view()
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

        # An in-memory database is this process's alone: no writer process, no other worker.
        if path.startswith("file:"):
            storage = SQLStorage(connect_sqlite, SQLITE)
            return LedgerView(storage, SQLQueries(connect_sqlite, SQLITE), EveryoneLeads)
        return LedgerView(
            SQLStorage(connect_sqlite, SQLITE, store_env),
            SQLQueries(connect_sqlite, SQLITE),
            lambda: FileLeadership(f"{path}-projector.lock"),
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
            # psycopg prepares a statement run five times, and PostgreSQL may then plan it once
            # for any parameters: a generic plan tests ``= ANY(array)`` element by element, a
            # plan for the parameters given hashes the array (a county of 1,000 townships: a
            # read of 8,000 facts 60-77 ms generic, 5 ms planned each time).
            connection.execute("SET plan_cache_mode = force_custom_plan")
            connection.commit()
            return connection

        replica = postgres_conninfo(replica_env) if replica_env else None
        read = (lambda: connect_postgres(replica)) if replica else connect_postgres
        return LedgerView(
            SQLStorage(connect_postgres, POSTGRESQL, store_env),
            SQLQueries(read, POSTGRESQL),
            lambda: AdvisoryLeadership(connect_postgres),
        )
    raise ValueError(f"no read model for {module}")
