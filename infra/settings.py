"""Settings, read once from the environment into a frozen object and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.sqlite3"


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # The web: the key that signs session cookies (every worker must share it), cookies sent
    # only over HTTPS (behind TLS), Redis for sign-in throttling (else the database), Sentry.
    secret_key: str | None = None
    secure_cookies: bool = False
    redis_url: str | None = None
    sentry_dsn: str | None = None
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto are believed (0: none):
    # sign-in throttling counts per client address, which a proxy would otherwise hide.
    trusted_proxies: int = 0

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | None
    ) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict = {
            "database_url": environ.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            "secret_key": environ.get("LEDGER_SECRET_KEY") or None,
            "secure_cookies": environ.get("LEDGER_SECURE_COOKIES", "").lower()
            in ("1", "true", "yes"),
            "redis_url": environ.get("LEDGER_REDIS_URL") or None,
            "sentry_dsn": environ.get("SENTRY_DSN") or None,
            "trusted_proxies": _whole(environ.get("LEDGER_TRUSTED_PROXIES") or "0"),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def event_store_env(self) -> dict[str, str]:
        return event_store_env(self.database_url)


def event_store_env(url: str) -> dict[str, str]:
    """The eventsourcing library's persistence settings for a database URL.

    ``sqlite:///relative/path``, ``sqlite:////absolute/path``, ``sqlite:///:memory:``,
    ``memory:`` (the library's in-memory store), and
    ``postgresql://user:password@host:port/dbname?schema=name``.
    """
    parsed = urlparse(url)
    if parsed.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        if not path:
            raise SettingsError(f"no file in database URL {url!r}")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        else:
            path = "file::memory:?mode=memory&cache=shared"
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "APPLICATION_RECORDER_TOPIC": "infra.recorders:BulkSQLiteApplicationRecorder",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "infra.recorders:BulkPostgresApplicationRecorder",
            "POSTGRES_DBNAME": unquote(parsed.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parsed.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parsed.port or 5432),
            "POSTGRES_USER": unquote(parsed.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parsed.password or ""),
            "POSTGRES_LOCK_TIMEOUT": "5",
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "30",
            "POSTGRES_CONNECT_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": "5",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        return env
    raise SettingsError(
        f"unsupported database URL {url!r}: use sqlite:///path or postgresql://user@host/dbname"
    )


def _whole(text: str) -> int:
    if not text.isdigit():
        raise SettingsError(f"LEDGER_TRUSTED_PROXIES must be a whole number, got {text!r}")
    return int(text)
