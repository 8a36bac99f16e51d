"""The read model's tables, and setting them up while other processes use the database.

Setting up is done once: a process that finds the tables of this version opens them with one
read, and takes no lock. Only a new database, or one whose read model has another version,
creates (or drops and creates) them, in a transaction that holds PostgreSQL's advisory lock so
that creators take turns. (Creating them in every process, as this once did, took locks that
deadlocked with a worker storing a page: ``CREATE INDEX IF NOT EXISTS`` locks its table first.)

A PostgreSQL transaction that meets another process's (a deadlock, a lock held past the
timeout) is tried again: every read-model transaction can be, since each one is whole.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from projections.version import PROJECTION_VERSION

# The read model is derived: when its tables change shape, this number goes up; when what the
# tallies count changes, the projection's version does by itself (projections/version.py).
# Opening a database whose read model has another version of either drops those tables, to be
# rebuilt from zero. (Versions before 5 were kept in ledger_rm_schema, dropped when met.)
SCHEMA_VERSION = 7  # 6: the tallies' snapshots; 7: their marks' earliest moment
VERSION = f"{SCHEMA_VERSION}:{PROJECTION_VERSION}"
READ_MODEL_TABLES = (
    "ledger_rm_facts",
    "ledger_rm_tallies",
    "ledger_rm_position",
    "ledger_rm_snapshots",
    "ledger_rm_marks",
)
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
    # A township's facts of one type (its reports' submissions: the county's reports page
    # asks for every township's), without walking its whole history.
    "CREATE INDEX IF NOT EXISTS ledger_rm_facts_type ON ledger_rm_facts (township, type)",
    # One row per township and period: its non-zero counts, as a JSON object by figure name
    # (a row per figure made a rebuild write two tally rows per event).
    # ``changed``: the position of the page that changed the row last (for the snapshots).
    """CREATE TABLE IF NOT EXISTS ledger_rm_tallies (
        township TEXT NOT NULL,
        period TEXT NOT NULL,
        counts TEXT NOT NULL,
        changed BIGINT NOT NULL DEFAULT 0,
        PRIMARY KEY (township, period))""",
    # The tallies as they stood at a position of the log, every ``SNAPSHOT_EVERY`` events or
    # so: each row as it was then, written at the first snapshot after it changed. A mark says
    # when a snapshot's events were all recorded by (the last recording moment up to it), so
    # that a ranking as of a moment starts from the last snapshot before it; and the earliest
    # recording moment of the events since the snapshot before (so that it reads the facts
    # from there up to the last snapshot that can hold one recorded by the moment, not to the
    # end of the log).
    """CREATE TABLE IF NOT EXISTS ledger_rm_snapshots (
        position BIGINT NOT NULL,
        township TEXT NOT NULL,
        period TEXT NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (township, period, position))""",
    """CREATE TABLE IF NOT EXISTS ledger_rm_marks (
        position {position_key},
        recorded_at TEXT NOT NULL,
        earliest TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS ledger_rm_position (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL)""",
    "INSERT INTO ledger_rm_position (name, position) VALUES ('ledger', 0) ON CONFLICT DO NOTHING",
)
SCHEMA_LOCK = 0x7C3B_5E11_A0D6_2024  # any fixed number: PostgreSQL's advisory lock for SCHEMA
CONTENDED_ATTEMPTS = 10
# PostgreSQL: deadlock detected, serialization failure, lock not available (lock_timeout).
CONTENDED_STATES = frozenset({"40P01", "40001", "55P03"})

T = TypeVar("T")


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
    serialise=f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})",
)


def contended(error: BaseException) -> bool:
    """Whether the transaction failed only for meeting another one's, and may be tried again.
    (SQLite's writers wait for each other up to its timeout already: past it, "database is
    locked" is the answer to give.)"""
    return getattr(error, "sqlstate", None) in CONTENDED_STATES


def retried(transaction: Callable[[], T], attempts: int = CONTENDED_ATTEMPTS) -> T:
    """Run a whole transaction, again after a growing, jittered pause when it was contended."""
    for attempt in range(1, attempts + 1):
        try:
            return transaction()
        except Exception as error:
            if attempt == attempts or not contended(error):
                raise
        time.sleep(min(0.02 * 2**attempt, 2.0) * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def set_up(view: Any) -> None:
    """Make sure the read model's tables of this version exist (see the module's text)."""
    if not retried(lambda: _is_current(view)):
        retried(lambda: _create(view))


def _is_current(view: Any) -> bool:
    try:
        with view._transaction("read") as cursor:
            cursor.execute("SELECT version FROM ledger_rm_version")
            if cursor.fetchall() != [(VERSION,)]:
                return False
            for table in READ_MODEL_TABLES:
                cursor.execute(f"SELECT 1 FROM {table} LIMIT 1")
                cursor.fetchall()
            cursor.execute("SELECT count(*) FROM ledger_rm_position WHERE name = 'ledger'")
            return cursor.fetchall() == [(1,)]
    except Exception as error:
        if contended(error):
            raise
        return False  # a table missing: created next


def _create(view: Any) -> None:
    dialect = view._dialect
    with view._transaction("write") as cursor:
        if dialect.serialise:
            cursor.execute(dialect.serialise)
        cursor.execute("CREATE TABLE IF NOT EXISTS ledger_rm_version (version TEXT NOT NULL)")
        cursor.execute("SELECT version FROM ledger_rm_version")
        if cursor.fetchall() != [(VERSION,)]:
            for table in (*READ_MODEL_TABLES, "ledger_rm_schema"):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute("DELETE FROM ledger_rm_version")
            cursor.execute(
                view._sql("INSERT INTO ledger_rm_version (version) VALUES (?)"), (VERSION,)
            )
        for statement in SCHEMA:
            cursor.execute(statement.replace("{position_key}", dialect.position_key))
