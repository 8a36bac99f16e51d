"""PostgreSQL's ledger recorder (``services.recording.LedgerRecorder``): the library's
application recorder, with the ledger's one way of writing (``save``) and its query
(``select_events_of``), as ``infra/recorders.py`` says of SQLite's: a write in two messages,
small writes' events written into the query, larger ones sent as binary arrays."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier, Literal

from infra.recorders import chunks
from services.recording import LedgerRecorder, Write

# PostgreSQL's advisory lock (any fixed number) taken while the event store's tables are made.
EVENT_STORE_SCHEMA_LOCK = 0x7C3B_5E11_A0D6_2025
POSTGRES_CHUNK = 5_000
POSTGRES_WRITTEN_OUT = 16  # events a write sends written into its query (more: binary arrays)
INSERT = "INSERT INTO {schema}.{table} (originator_id, originator_version, topic, state)"


class PostgresLedgerRecorder(PostgresApplicationRecorder, LedgerRecorder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # The statements every write sends, as bytes: psycopg otherwise composes an
        # ``SQL(...).format(...)`` again at each execution (~50 µs a write for these three).
        self.lock_statements = [s.as_bytes(None) for s in self.lock_table_statements]
        self.notify_statement = SQL("NOTIFY {0}").format(Identifier(self.channel_name))
        self.notify_statement = self.notify_statement.as_bytes(None)
        self.start_statement = b"; ".join([b"BEGIN", *self.lock_statements, self.notify_statement])
        # Each aggregate's last event, by a backward step of the primary key per aggregate: the
        # query before and after its ids, which ``_start`` writes in as an array literal.
        self.heads_query = self._composed(
            "SELECT e.* FROM unnest('{{%s}}'::{id_type}[]) AS h(id) CROSS JOIN LATERAL"
            " (SELECT * FROM {schema}.{table} WHERE originator_id = h.id"
            " ORDER BY originator_version DESC LIMIT 1) AS e"
        ).split(b"%s")
        self.results_before_heads = 2 + len(self.lock_statements)
        self.insert_values = self._composed(f"{INSERT} VALUES")
        self._quoted_topics: dict[str, bytes] = {}
        # A write's events as four arrays sent in binary (the library sends one array of a
        # composite type as text, escaped field by field with regular expressions in Python:
        # ~10 µs an event, a third of an import's time on PostgreSQL). The rows are made, and
        # numbered, in the arrays' order, as the library's are in its array's.
        self.insert_arrays_statement = self._composed(
            f"{INSERT} SELECT * FROM unnest(%b::{{id_type}}[], %b::bigint[], %b::text[],"
            " %b::bytea[]) RETURNING notification_id"
        )

    def _composed(self, text: str) -> bytes:
        """``text`` with this store's ``{schema}``, ``{table}`` and ``{id_type}``, as sent."""
        return (
            SQL(text)
            .format(
                id_type=SQL(self.datastore.originator_id_type),
                schema=Identifier(self.datastore.schema),
                table=Identifier(self.events_table_name),
            )
            .as_bytes(None)
        )

    def _start(self, heads: Sequence[UUID]) -> bytes:
        """A write's start as one query of several statements (PostgreSQL's simple protocol:
        one message and one round trip, where psycopg's pipeline sends each statement on its
        own): the transaction, the lock, the notification and, given ``heads``, their last
        events (their ids written into the query: UUIDs, nothing else)."""
        if not heads:
            return self.start_statement
        ids = ",".join(str(UUID(str(head))) for head in heads).encode()
        before, after = self.heads_query
        return b"%s; %s%s%s" % (self.start_statement, before, ids, after)

    def _insert_written_out(self, events: Sequence[StoredEvent]) -> bytes:
        """A few events' insert and the commit as one query, the events written into it: each
        id as a UUID's text, each version as a number, each topic quoted by psycopg, each state
        as hexadecimal digits (one message, where a pipeline sends three)."""
        rows = b",".join(
            b"('%s',%d,%s,decode('%s','hex'))"
            % (
                str(UUID(str(event.originator_id))).encode(),
                int(event.originator_version),
                self._quoted(event.topic),
                event.state.hex().encode(),
            )
            for event in events
        )
        return b"%s %s RETURNING notification_id; COMMIT" % (self.insert_values, rows)

    def _quoted(self, topic: str) -> bytes:
        quoted = self._quoted_topics.get(topic)
        if quoted is None:
            quoted = self._quoted_topics[topic] = Literal(topic).as_bytes(None)
        return quoted

    def _insert_rows(self, cursor: Cursor[DictRow], events: Sequence[StoredEvent]) -> None:
        cursor.execute(
            self.insert_arrays_statement,
            [
                [e.originator_id for e in events],
                [e.originator_version for e in events],
                [e.topic for e in events],
                [e.state for e in events],
            ],
            prepare=True,
        )

    def _lock_table(self, curs: Cursor[DictRow]) -> None:
        for statement in self.lock_statements:
            curs.execute(statement, prepare=True)

    def _notify_channel(self, curs: Cursor[DictRow]) -> None:
        curs.execute(self.notify_statement)

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
    def save(self, write: Write) -> Sequence[int]:
        """Insert the write's rows, made from the last events of its heads as they are once
        this transaction holds the events table's lock (the one the library takes for every
        write: EXCLUSIVE mode, which readers pass). Every write of
        ``LedgerApplication.save_events`` (entries) comes here, chained or not; the library's
        ``save`` (users, tokens and the like) writes its own way. (A process that knows the
        heads reads them all the same: they come in the start's message.)

        Two round trips: the transaction's start, the lock, the notification and the read as
        one query (``_start``); then the insert and the commit, as one query for a few events
        (``_insert_written_out``), or pipelined with the events as binary arrays
        (``_insert_rows``). (The library's ``transaction()`` in pipeline mode waits for the
        server as it begins and as each of its nested pipelines ends: five round trips for its
        own write; and psycopg's pipeline sends each statement in a message of its own: 13
        ``sendto`` calls a chained command, 2 now.)"""
        with (
            self.datastore.get_connection() as conn,
            conn.cursor() as cursor,
            conn.cursor() as inserting,
        ):
            heads = write.heads
            try:
                cursor.execute(self._start(heads))
                for _ in range(self.results_before_heads if heads else 0):
                    cursor.nextset()  # past BEGIN, the lock's statements and NOTIFY
                last = {
                    row["originator_id"]: StoredEvent(
                        row["originator_id"],
                        row["originator_version"],
                        row["topic"],
                        bytes(row["state"]),
                    )
                    for row in (cursor.fetchall() if heads else ())
                }
                everything = write.rows(last)
                if len(everything) <= POSTGRES_WRITTEN_OUT:  # a refused insert skips the commit
                    cursor.execute(self._insert_written_out(everything))
                    return [row["notification_id"] for row in cursor.fetchall()]
                with conn.pipeline():
                    self._insert_rows(inserting, everything)
                    cursor.execute(b"COMMIT")
                return [row["notification_id"] for row in inserting.fetchall()]
            except BaseException:
                with contextlib.suppress(psycopg.Error):  # broken: the pool discards it
                    conn.rollback()  # (nothing to roll back once committed)
                raise

    def versions_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, int]:
        statement = SQL(  # a probe of the primary key's index an aggregate
            "SELECT wanted.id, (SELECT MAX(originator_version) FROM {schema}.{table}"
            " WHERE originator_id = wanted.id) FROM unnest(%s::uuid[]) AS wanted(id)"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        found: dict[UUID, int] = {}
        for chunk in chunks(originator_ids, POSTGRES_CHUNK):
            with self.datastore.get_connection() as conn, conn.cursor() as cursor:
                cursor.execute(statement, [list(chunk)])
                for row in cursor.fetchall():
                    key, version = row["id"], row["max"]
                    if version is not None:
                        found[key] = version
        return found

    def select_events_of(
        self, originator_ids: Sequence[UUID], *, last: bool = False
    ) -> dict[UUID, list[StoredEvent]]:
        every = "SELECT * FROM {schema}.{table} WHERE originator_id = ANY(%s)"
        # Each one's last: a probe of the primary key's index an aggregate, backwards.
        only = (
            "SELECT e.* FROM unnest(%s::uuid[]) AS wanted(id) CROSS JOIN LATERAL"
            " (SELECT * FROM {schema}.{table} WHERE originator_id = wanted.id"
            " ORDER BY originator_version DESC LIMIT 1) AS e"
        )
        statement = SQL(
            (only if last else every) + " ORDER BY originator_id, originator_version"
        ).format(schema=Identifier(self.datastore.schema), table=Identifier(self.events_table_name))
        found: dict[UUID, list[StoredEvent]] = {}
        for chunk in chunks(originator_ids, POSTGRES_CHUNK):
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
