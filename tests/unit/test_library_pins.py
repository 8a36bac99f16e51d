"""What the ledger's recorders repeat of the eventsourcing library's private code, pinned: a new
release that changes one of these fails here, naming what to bring in step, before anything
else notices. (Everything else they extend is the library's documented way: the application
recorder's topic, its ``_insert_events`` hook, ``construct_mapper``.)"""

from __future__ import annotations

import ast
import hashlib
import inspect
import sqlite3
import textwrap

import eventsourcing.persistence as persistence
from eventsourcing.sqlite import SQLiteConnectionPool, SQLiteTransaction

from infra.recorders import SQLITE_ERRORS

# The source of SQLiteConnectionPool._create_connection in eventsourcing 9.5.6, which
# infra.recorders.StatementCachingPool repeats but for ``cached_statements``.
CREATE_CONNECTION_SHA256 = "961ff2ef0738680de30c1421b29f78fded6a27b6e41eb366c22ceeca8d239f71"


def _source(function) -> str:
    return textwrap.dedent(inspect.getsource(function))


def test_the_pool_s_create_connection_is_the_one_statement_caching_pool_repeats() -> None:
    digest = hashlib.sha256(_source(SQLiteConnectionPool._create_connection).encode()).hexdigest()
    assert digest == CREATE_CONNECTION_SHA256, (
        "eventsourcing's SQLiteConnectionPool._create_connection changed: bring"
        " infra.recorders.StatementCachingPool._create_connection in step with it"
    )


def test_sqlite_errors_are_translated_as_the_library_s_transactions_translate_them() -> None:
    """``infra.recorders._translated`` (the write that runs outside a library transaction)
    maps SQLite's errors to the library's in the order of ``SQLiteTransaction.__exit__``."""
    tree = ast.parse(_source(SQLiteTransaction.__exit__))
    library = []
    for handler in (node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)):
        raised = next(n for n in ast.walk(handler) if isinstance(n, ast.Raise))
        if isinstance(handler.type, ast.Attribute) and isinstance(raised.exc, ast.Call):
            caught = getattr(sqlite3, handler.type.attr)
            library.append((caught, getattr(persistence, raised.exc.func.id)))
    assert library, "SQLiteTransaction.__exit__ no longer translates sqlite3's errors"
    assert list(SQLITE_ERRORS) == library[: len(SQLITE_ERRORS)], (
        "eventsourcing's SQLiteTransaction.__exit__ translates SQLite's errors otherwise: bring"
        " infra.recorders.SQLITE_ERRORS in step with it"
    )
