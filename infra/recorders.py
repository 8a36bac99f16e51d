"""The library's application recorders, plus one query: the events of many aggregates at once.

An import checks every line against the ledger before it records anything; reading the
entries it names one query per chunk, instead of one per line, is what makes a 100,000-line
import fast. The services use ``select_events_of`` when the recorder has it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier

# PostgreSQL's advisory lock (any fixed number) taken while the event store's tables are made.
EVENT_STORE_SCHEMA_LOCK = 0x7C3B_5E11_A0D6_2025
SQLITE_CHUNK = 900  # below SQLite's limit of host parameters in one statement
POSTGRES_CHUNK = 5_000


def _chunks(ids: Sequence[UUID], size: int) -> Iterable[Sequence[UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class BulkSQLiteApplicationRecorder(SQLiteApplicationRecorder):
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
