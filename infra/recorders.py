"""SQLite's ledger recorder (``services.recording.LedgerRecorder``): the library's application
recorder, with the ledger's one way of writing (``save``) and its query (``select_events_of``).
PostgreSQL's is in ``infra/postgres_recorder.py``.

``save`` reads the last stored events of the write's heads (the chains it extends, its fence)
inside a transaction that holds the database's write lock, and inserts the write's rows made
from them: every write of a township extends its hash chain from the chain's head, and read
anywhere else the head may have moved by the time of the write. A write by a process that
knows the heads already (the chains' last links it saved) is one statement, which writes
only if they are still the heads; otherwise, or if they moved, it reads them.

``select_events_of``: the events of many aggregates at once. An import checks every line
against the ledger before it records anything; reading the entries it names one query per
chunk, instead of one per line, is what makes a 100,000-line import fast.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Sequence
from uuid import UUID

from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteTransaction,
)

from infra.writers_turn import WritersTurn
from services.recording import LedgerRecorder, Write

SQLITE_CHUNK = 900  # below SQLite's limit of host parameters in one statement
# Each aggregate's last event only (its primary key's index answers the maximum).
LAST_ONLY = (
    " AND originator_version = (SELECT MAX(originator_version) FROM {table}"
    " WHERE originator_id = e.originator_id)"
)
SQLITE_COMPOUND = 250  # selects joined in one statement, below SQLite's limit of 500
SQLITE_WRITTEN_OUT = 16  # events a write inserts in one statement (more: one statement each)
SQLITE_STATEMENTS = 64  # compiled statements each SQLite connection keeps


def chunks(ids: Sequence[UUID], size: int) -> Iterable[Sequence[UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


SQLITE_ERRORS = (  # the order of the library's SQLiteTransaction.__exit__
    (sqlite3.InterfaceError, InterfaceError),
    (sqlite3.DataError, DataError),
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.InternalError, InternalError),
    (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.NotSupportedError, NotSupportedError),
    (sqlite3.DatabaseError, DatabaseError),
)


def _translated(error: sqlite3.Error) -> Exception:
    """The library's exception for a SQLite error, as its transactions raise them."""
    for sqlite_class, library_class in SQLITE_ERRORS:
        if isinstance(error, sqlite_class):
            return library_class(error)
    return PersistenceError(error)


def _row_values(events: Sequence[StoredEvent]) -> list[object]:
    """The parameters of ``events``' rows in one ``INSERT … VALUES (?,?,?,?),…``, in order."""
    values: list[object] = []
    for event in events:
        values += (event.originator_id.hex, event.originator_version, event.topic, event.state)
    return values


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


class StatementCachingPool(SQLiteConnectionPool):
    """The library's pool of SQLite connections, whose connections keep their compiled
    statements. The library opens them with ``cached_statements=True``, which is 1: a write
    running more than one statement (``BEGIN``, a chain's head read, the ``INSERT``) compiled
    each of them again every time, ~30 µs of a command's processor time.

    ``_create_connection`` is the library's, but for that number: the pool's own hook, which
    the library gives no other way to set. tests/unit/test_library_pins.py fails, naming it,
    if a new release of the library changes the method this one repeats."""

    @classmethod
    def like(cls, pool: SQLiteConnectionPool) -> StatementCachingPool:
        """A pool with ``pool``'s settings (``pool`` has opened no connection yet)."""
        return cls(
            db_name=pool.db_name,
            lock_timeout=pool.lock_timeout,
            pool_size=pool.pool_size,
            max_overflow=pool.max_overflow,
            pool_timeout=pool.pool_timeout,
            max_age=pool.max_age,
            pre_ping=pool.pre_ping,
        )

    def _create_connection(self) -> SQLiteConnection:
        try:
            connection = sqlite3.connect(
                database=self.db_name,
                uri=True,
                check_same_thread=False,
                isolation_level=None,
                cached_statements=SQLITE_STATEMENTS,
                timeout=self.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT,
            )
        except (sqlite3.Error, TypeError) as error:
            raise InterfaceError(error) from error
        if not self.is_sqlite_memory_mode and not self.is_journal_mode_wal:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if mode.lower() != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
                self.journal_mode_was_changed_to_wal = True
            self.is_journal_mode_wal = True
        connection.row_factory = sqlite3.Row
        return SQLiteConnection(sqlite_conn=connection, max_age=self.max_age)


class SQLiteLedgerRecorder(SQLiteApplicationRecorder, LedgerRecorder):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        pool = self.datastore.pool
        if type(pool) is SQLiteConnectionPool:  # the library's, as its factory made it
            self.datastore.pool = StatementCachingPool.like(pool)
            pool.close()
        self._select_last_statements: dict[int, str] = {}
        self._insert_statements: dict[int, str] = {}
        self._insert_if_statements: dict[tuple[int, int], str] = {}
        pool = self.datastore.pool
        self.writers_turn = (
            None
            if pool.is_sqlite_memory_mode
            else WritersTurn(f"{pool.db_name}-writers", patience=pool.lock_timeout or 5)
        )

    def save(self, write: Write) -> Sequence[int]:
        if write.known is not None:
            written = self._insert_if_at(write)
            if written is not None:
                return written
        return self._insert_after_heads(write)

    def select_last_statement(self, count: int) -> str:
        """The last event of each of ``count`` aggregates, in one statement (one index seek
        each): the fewer calls into SQLite while the write lock is held, the fewer times this
        thread waits for the interpreter's lock (the GIL) before it can go on and commit."""
        statement = self._select_last_statements.get(count)
        if statement is None:
            one = (
                "SELECT * FROM (SELECT originator_id, originator_version, topic, state"
                f" FROM {self.events_table_name} WHERE originator_id = ?"
                " ORDER BY originator_version DESC LIMIT 1)"
            )
            statement = self._select_last_statements[count] = " UNION ALL ".join([one] * count)
        return statement

    def _insert_after_heads(self, write: Write) -> Sequence[int]:
        """Read the last events of the write's heads once this transaction holds the
        database's write lock, and insert the write's rows made from them. (The library's
        writer lock already serialises this process's writers.)"""
        turn = self.writers_turn.taken() if self.writers_turn else contextlib.nullcontext()
        with (
            self.datastore.get_connection(commit=True) as connection,
            turn,
            ImmediateTransaction(connection, commit=True) as cursor,
            cursor,
        ):
            last = {}
            for chunk in chunks(write.heads, SQLITE_COMPOUND):
                asked = {h.hex: h for h in chunk}  # the ids as stored, and as asked for
                cursor.execute(self.select_last_statement(len(asked)), list(asked))
                for originator_id, version, topic, state in cursor.sqlite_cursor.fetchall():
                    stored = StoredEvent(asked[originator_id], version, topic, state)
                    last[stored.originator_id] = stored
            return self._insert_rows(cursor, write.rows(last))

    def _insert_rows(self, cursor: SQLiteCursor, events: Sequence[StoredEvent]) -> Sequence[int]:
        """A small write's rows in one ``INSERT`` (a statement for each row cost a command,
        which writes two, its event and its link, ~10 µs more); a larger write's by the
        library's own ``_insert_events``. The rows of one statement take the rowids after the
        table's largest, in order: the log positions are the last one's and those before it."""
        if not events or len(events) > SQLITE_WRITTEN_OUT:
            return self._insert_events(cursor, events) or []
        statement = self._insert_statements.get(len(events))
        if statement is None:
            rows = ",".join(["(?,?,?,?)"] * len(events))
            statement = self._insert_statements[len(events)] = (
                f"INSERT INTO {self.events_table_name}"
                f" (originator_id, originator_version, topic, state) VALUES {rows}"
            )
        cursor.execute(statement, _row_values(events))
        last = cursor.sqlite_cursor.lastrowid
        return range(last - len(events) + 1, last + 1)

    def _insert_if_at(self, write: Write) -> Sequence[int] | None:
        """The write's rows, made after the heads it knows, in one statement, a transaction
        of its own, if each chain is still at the version known: that link must be stored,
        and the unique key refuses the next if it is taken. None: nothing was written (a head
        moved or is gone, another event's id and version were taken, or the write is too
        large for one statement). No ``BEGIN``, no ``SELECT``, no ``COMMIT`` of its own."""
        heads = write.known
        assert heads is not None
        if not heads or len(write.events) + len(heads) > SQLITE_WRITTEN_OUT:
            return None
        rows = write.rows_after_known()
        key = (len(rows), len(heads))
        statement = self._insert_if_statements.get(key)
        if statement is None:
            table = self.events_table_name
            values = ",".join(["(?,?,?,?)"] * len(rows))
            found = (
                f"EXISTS (SELECT 1 FROM {table} WHERE originator_id = ? AND originator_version = ?)"
            )
            statement = self._insert_if_statements[key] = (
                f"INSERT INTO {table} (originator_id, originator_version, topic, state)"
                f" SELECT * FROM (VALUES {values})"
                f" WHERE {' AND '.join([found] * len(heads))}"
            )
        parameters = _row_values(rows)
        for originator_id, (version, _) in heads.items():
            parameters += (originator_id.hex, version)
        written = self._execute_alone(statement, parameters)
        if written is None or written[0] != len(rows):
            return None
        count, last = written
        return range(last - count + 1, last + 1)

    def _execute_alone(self, statement: str, parameters: list[object]) -> tuple[int, int] | None:
        """Run one writing statement as a transaction of its own, in the writers' turn: the
        rows it wrote and the last rowid; None if the unique key refused a row."""
        turn = self.writers_turn.taken() if self.writers_turn else contextlib.nullcontext()
        pool = self.datastore.pool  # the pool's own calls: its context manager cost ~8 µs
        connection = pool.get_connection(is_writer=True)
        try:
            with turn:
                cursor = connection.cursor().sqlite_cursor
                try:
                    cursor.execute(statement, parameters)
                    return cursor.rowcount, cursor.lastrowid
                except sqlite3.IntegrityError:
                    return None
                except sqlite3.Error as error:
                    raise _translated(error) from error
                finally:
                    cursor.close()
        finally:
            pool.put_connection(connection)

    def versions_of(self, originator_ids: Sequence[UUID]) -> dict[UUID, int]:
        found: dict[UUID, int] = {}
        for chunk in chunks(originator_ids, SQLITE_CHUNK):
            marks = ",".join("(?)" for _ in chunk)
            statement = (  # a probe of the primary key's index an aggregate
                f"WITH wanted(id) AS (VALUES {marks}) SELECT id, (SELECT MAX(originator_version)"
                f" FROM {self.events_table_name} WHERE originator_id = wanted.id) FROM wanted"
            )
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(statement, [i.hex for i in chunk])
                for key, version in cursor.fetchall():
                    if version is not None:
                        found[self.convert_originator_id(key)] = version
        return found

    def select_events_of(
        self, originator_ids: Sequence[UUID], *, last: bool = False
    ) -> dict[UUID, list[StoredEvent]]:
        found: dict[UUID, list[StoredEvent]] = {}
        table = self.events_table_name
        for chunk in chunks(originator_ids, SQLITE_CHUNK):
            marks = ",".join("?" for _ in chunk)
            statement = (
                f"SELECT * FROM {table} AS e WHERE originator_id IN ({marks})"
                + (LAST_ONLY.format(table=table) if last else "")
                + " ORDER BY originator_id, originator_version"
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
