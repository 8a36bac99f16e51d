"""The composition root shared by the command line, the worker and the web app."""

from __future__ import annotations

import sqlite3
import time

import psycopg

from domain.moments import use_zone
from infra.doorbell import PostgresDoorbell
from infra.evidence_store import DirectoryEvidence
from infra.mail import SmtpSender
from infra.outages import unavailable
from infra.read_model import open_view
from infra.settings import Settings, postgres_conninfo
from infra.throttle import open_attempts
from infra.tsa import open_authority
from services import Services, open_services
from services.evidence import EvidenceLimits

WAL_ATTEMPTS = 100


def open_ledger(
    settings: Settings, *, shared_attempts: bool = False, web: bool = False
) -> Services:
    """Open the event store (creating its tables if need be) and the read model beside it;
    with ``shared_attempts``, failed sign-ins kept where every process sees them; for a
    ``web`` process, the read model's queries on the replica where one is configured; the
    timestamp authority and its certificates where ``LEDGER_TSA_URL`` / ``LEDGER_TSA_CERTS``
    name them. The installation's time zone becomes the process's (domain/moments.py)."""
    use_zone(settings.timezone)
    env = {**settings.event_store_env(), "CREATE_TABLE": "y"}
    if env["PERSISTENCE_MODULE"] == "eventsourcing.sqlite":
        use_wal(env["SQLITE_DBNAME"])
    attempts = open_attempts(settings) if shared_attempts else None
    view = open_view(env, settings.replica_env() if web else None)
    authority, reader = open_authority(settings)  # the TSA is only asked by the stamping job
    services = open_services(
        env,
        view=view,
        attempts=attempts,
        outage=unavailable,
        evidence=DirectoryEvidence(settings.evidence_dir) if settings.evidence_dir else None,
        evidence_limits=EvidenceLimits(settings.evidence_max_bytes, settings.evidence_max_files),
        authority=authority,
        reader=reader,
        mail=SmtpSender(settings.smtp_url) if settings.smtp_url else None,
        two_factor_required=settings.two_factor == "required",
    )
    if env["PERSISTENCE_MODULE"] == "eventsourcing.postgres":  # the worker wakes on NOTIFY
        conninfo, channel = postgres_conninfo(env), services.app.recorder.channel_name
        services.read_model.doorbell = lambda: PostgresDoorbell(
            lambda: psycopg.connect(conninfo), channel
        )
    return services


def use_wal(path: str) -> None:
    """Put a SQLite file in WAL mode before anything else connects to it.

    Switching a file to WAL needs it to itself, and SQLite answers "database is locked" at
    once, without waiting, to a process that asks while another is switching or connected.
    Later connections find WAL already set and change nothing. (The library's own first
    connection must not meet that error: its writer lock would never be released.)
    """
    if path.startswith("file:"):  # an in-memory database: no journal to switch
        return
    for attempt in range(1, WAL_ATTEMPTS + 1):
        connection = sqlite3.connect(path, timeout=30)
        try:
            if connection.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal":
                return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == WAL_ATTEMPTS:
                raise
        finally:
            connection.close()
        time.sleep(0.01 * attempt)
    raise RuntimeError(f"could not put {path} in WAL mode")
