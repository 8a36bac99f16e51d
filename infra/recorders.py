"""The library's application recorders, plus a query and a way of writing.

``select_events_of``: the events of many aggregates at once. An import checks every line
against the ledger before it records anything; reading the entries it names one query per
chunk, instead of one per line, is what makes a 100,000-line import fast. The services use it
when the recorder has it.

``insert_events_after``: a write whose last events are made inside its transaction, from the
last stored events of some aggregates read once no other writer (thread or process) can write
until it commits. Every write of a township extends its hash chain from the chain's head
(``services.chains.Links``): read anywhere else, the head may have moved by the time of the
write, and writers to one township would collide on the chain's next version.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteTransaction
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

# PostgreSQL's advisory lock (any fixed number) taken while the event store's tables are made.
EVENT_STORE_SCHEMA_LOCK = 0x7C3B_5E11_A0D6_2025
SQLITE_CHUNK = 900  # below SQLite's limit of host parameters in one statement
POSTGRES_CHUNK = 5_000

# Given the last stored event of each aggregate asked for (absent: it has none), the events to
# store after the others in the same transaction.
Extend = Callable[[Mapping[UUID, StoredEvent]], Sequence[StoredEvent]]


def _chunks(ids: Sequence[UUID], size: int) -> Iterable[Sequence[UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class ImmediateTransaction(SQLiteTransaction):
    """A transaction that takes SQLite's write lock as it begins (``BEGIN IMMEDIATE``), waiting
    for it up to the lock timeout: what it reads, no other connection changes before it
    commits. (A deferred transaction that reads first cannot take the lock later if another
    wrote meanwhile: SQLite refuses at once, whatever the timeout.)"""

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise OperationalError(error) from error
        return cursor


class BulkSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.select_last_statement = (
            f"SELECT * FROM {self.events_table_name} WHERE originator_id = ?"
            " ORDER BY originator_version DESC LIMIT 1"
        )

    def insert_events_after(
        self, stored_events: Sequence[StoredEvent], heads: Sequence[UUID], extend: Extend
    ) -> Sequence[int] | None:
        """Insert ``stored_events`` and ``extend``'s events, made from the last events of
        ``heads`` as they are once this transaction holds the database's write lock. (The
        library's writer lock already serialises this process's writers.)"""
        with (
            self.datastore.get_connection(commit=True) as connection,
            ImmediateTransaction(connection, commit=True) as cursor,
            cursor,
        ):
            last = {}
            for originator_id in heads:
                cursor.execute(self.select_last_statement, [originator_id.hex])
                row = cursor.fetchone()
                if row is not None:
                    last[originator_id] = StoredEvent(
                        originator_id, row["originator_version"], row["topic"], row["state"]
                    )
            return self._insert_events(cursor, [*stored_events, *extend(last)])

    def select_events_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found: dict[UUID, list[StoredEvent]] = {}
        for chunk in _chunks(originator_ids, SQLITE_CHUNK):
            marks = ",".join("?" for _ in chunk)
            statement = (
                f"SELECT * FROM {self.events_table_name} WHERE originator_id IN ({marks})"
                " ORDER BY originator_id, originator_version"
            )
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, [i.hex for i in chunk])
                for row in cursor.fetchall():
                    originator_id = self.convert_originator_id(row["originator_id"])
                    found.setdefault(originator_id, []).append(
                        StoredEvent(
                            originator_id, row["originator_version"], row["topic"], row["state"]
                        )
                    )
        return found


class BulkPostgresApplicationRecorder(PostgresApplicationRecorder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Each aggregate's last event, by a backward step of the primary key per aggregate.
        self.select_last_statement = SQL(
            "SELECT e.* FROM unnest(%s::{id_type}[]) AS h(id) CROSS JOIN LATERAL"
            " (SELECT * FROM {schema}.{table} WHERE originator_id = h.id"
            " ORDER BY originator_version DESC LIMIT 1) AS e"
        ).format(
            id_type=SQL(self.datastore.originator_id_type),
            schema=Identifier(self.datastore.schema),
            table=Identifier(self.events_table_name),
        )

    def create_table(self) -> None:
        """Make the tables, types and functions one process at a time: several processes
        opening an empty database at once (gunicorn's workers) otherwise clash in
        PostgreSQL's catalogue ("tuple concurrently updated", a duplicate type)."""
        with self.datastore.get_connection() as conn:
            with conn.transaction():  # the session's lock outlives it; no lock timeout
                conn.execute("SET LOCAL lock_timeout = 0")
                conn.execute("SELECT pg_advisory_lock(%s)", [EVENT_STORE_SCHEMA_LOCK])
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [EVENT_STORE_SCHEMA_LOCK])

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as the library's
    def insert_events_after(
        self, stored_events: Sequence[StoredEvent], heads: Sequence[UUID], extend: Extend
    ) -> Sequence[int] | None:
        """Insert ``stored_events`` and ``extend``'s events, made from the last events of
        ``heads`` as they are once this transaction holds the events table's lock (the one
        the library takes for every write: EXCLUSIVE mode, which readers pass). Two round
        trips, as the library's own write: the lock, the notification and the read go to the
        server together; then the insert and the commit."""
        failed: Exception | None = None
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.cursor() as cursor:
                with conn.transaction():
                    self._lock_table(cursor)
                    self._notify_channel(cursor)
                    cursor.execute(self.select_last_statement, [list(heads)], prepare=True)
                    last = {
                        row["originator_id"]: StoredEvent(
                            row["originator_id"],
                            row["originator_version"],
                            row["topic"],
                            bytes(row["state"]),
                        )
                        for row in cursor.fetchall()
                    }
                    everything = [*stored_events, *extend(last)]
                    # The insert without the library's second lock of the table.
                    PostgresAggregateRecorder._insert_stored_events(self, cursor, everything)
                try:
                    pipeline.sync()  # the insert and the commit together
                    ids = [row["notification_id"] for row in cursor.fetchall()]
                except Exception as error:  # raised once the pipeline has ended (psycopg warns)
                    failed = error
            if failed is not None:
                conn.rollback()  # the commit was not run after the refused insert
                raise failed
        return ids

    def select_events_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        statement = SQL(
            "SELECT * FROM {schema}.{table} WHERE originator_id = ANY(%s)"
            " ORDER BY originator_id, originator_version"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        found: dict[UUID, list[StoredEvent]] = {}
        for chunk in _chunks(originator_ids, POSTGRES_CHUNK):
            with self.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(statement, [list(chunk)])
                for row in cursor.fetchall():
                    found.setdefault(row["originator_id"], []).append(
                        StoredEvent(
                            row["originator_id"],
                            row["originator_version"],
                            row["topic"],
                            bytes(row["state"]),
                        )
                    )
        return found
