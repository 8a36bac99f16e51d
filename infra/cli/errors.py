"""The command line's errors: each one line on stderr and exit status 1, never a traceback.

The ledger's refusals say what to fix; the stores' troubles (a database held by another
process, a read-model writer that stopped) say what happened and what to do; a file that
cannot be written names it; anything unforeseen is one line with the kind of error.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
import psycopg
from eventsourcing.persistence import PersistenceError

from domain.errors import LedgerError
from infra.settings import SettingsError
from infra.view_writer import WriterFailed
from services.interchange import ImportRejected


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the ledger's refusals into one stderr line each and exit status 1."""
    try:
        yield
    except ImportRejected as rejected:
        for error in rejected.errors:
            click.echo(f"error: {error}", err=True)
        fail(rejected.message)
    except (LedgerError, SettingsError) as error:
        fail(str(error))
    except (PersistenceError, sqlite3.OperationalError, psycopg.OperationalError) as error:
        fail(_store_trouble(error))
    except OSError as error:  # a file to write: a missing folder, a full disk, no right
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}{error.strerror or error}")
    except WriterFailed:
        fail(
            "the read model could not be brought up to date (its writer process stopped);"
            " what was stored before is kept: run the command again"
        )


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _store_trouble(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    if "locked" in text or "busy" in text:
        return "the database is busy: another process held it too long; try again"
    return f"the database answered: {text}"


class LedgerGroup(click.Group):
    """Every command's errors as one line: the ledger's refusals (exit 1), and, should anything
    unforeseen go wrong, the kind of error and its message, never a traceback (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with refusals():
                return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last resort of the command line
            message = " ".join(str(error).split())[:300]
            fail(f"{type(error).__name__}: {message}" if message else type(error).__name__)
