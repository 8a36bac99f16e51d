"""Settings, read once from the environment into a frozen object and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.moments import DEFAULT_ZONE

DEFAULT_DATABASE_URL = "sqlite:///var/ledger.sqlite3"
EVIDENCE_FOLDER = "evidence"  # beside a SQLite database: var/evidence by default
MIB = 2**20
LOG_FORMATS = ("text", "json")
TWO_FACTOR = ("required", "optional")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
FLAGS = {"": False, "0": False, "false": False, "no": False, "off": False}
FLAGS.update({"1": True, "true": True, "yes": True, "on": True})
MIN_SECRET = 16  # characters of a secret given in the environment (LEDGER_OPERATOR_TOKEN)


class SettingsError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # A PostgreSQL streaming replica of the database, which the web processes' read-model
    # queries read (writes, the projection workers and the command line use the primary).
    read_database_url: str | None = None
    # The web: the key that signs session cookies (every worker must share it), cookies sent
    # only over HTTPS (behind TLS), Redis for sign-in throttling (else the database), Sentry.
    secret_key: str | None = None
    secure_cookies: bool = False
    redis_url: str | None = None
    sentry_dsn: str | None = None
    # Reverse proxies in front of gunicorn whose X-Forwarded-For/-Proto are believed (0: none):
    # sign-in throttling counts per client address, which a proxy would otherwise hide.
    trusted_proxies: int = 0
    # Logs on stderr: "text" for a person at a terminal, "json" (one object a line: time,
    # level, logger, message, request id, role, tenant) for a log collector.
    log_format: str = "text"
    log_level: str = "INFO"
    # The installation's time zone: what people read (pages, reports, workbooks) is on its
    # clock, and its today is the business day (domain/moments.py).
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo(DEFAULT_ZONE))
    # Client addresses in the logs (the access lines' "client"): none unless asked for.
    log_client_addresses: bool = False
    # The secret the installation's operators (their monitoring) send to /readyz, as
    # "Authorization: Bearer …", to be told the read model's position and lag; none: nobody is.
    operator_token: str | None = None
    # Files attached to entries as evidence: the directory they are stored in (by SHA-256;
    # when not given, "evidence" beside a SQLite database, ./var/evidence for PostgreSQL, and
    # none, this process's memory, for memory:), the most bytes a file may have and the most
    # files an entry may carry.
    evidence_dir: str | None = None
    evidence_max_bytes: int = 20 * MIB
    evidence_max_files: int = 50
    # Trusted timestamps (RFC 3161): the timestamp authority's URL, the PEM file of the
    # certificates its tokens must chain to (required with the URL; alone, ``verify`` still
    # checks the tokens stored), and how long, in seconds, a request may take.
    tsa_url: str | None = None
    tsa_certs: str | None = None
    tsa_timeout: float = 10.0
    # Notifications by e-mail, sent by the projection worker: smtp://HOST[:PORT]?from=ADDRESS
    # (infra/mail.py); none: no e-mail is sent.
    smtp_url: str | None = None
    # Two-factor sign-in for county officers, auditors and administrators: "required" (they
    # must enrol before anything else) or "optional" (anyone may; a demo's, a test's).
    two_factor: str = "required"

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: str | None
    ) -> Settings:
        environ = os.environ if environ is None else environ
        values: dict = {
            "database_url": environ.get("LEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            "read_database_url": environ.get("LEDGER_READ_DATABASE_URL") or None,
            "secret_key": environ.get("LEDGER_SECRET_KEY") or None,
            "secure_cookies": _flag("LEDGER_SECURE_COOKIES", environ),
            "redis_url": environ.get("LEDGER_REDIS_URL") or None,
            "sentry_dsn": environ.get("SENTRY_DSN") or None,
            "trusted_proxies": _whole(
                "LEDGER_TRUSTED_PROXIES", environ.get("LEDGER_TRUSTED_PROXIES") or "0"
            ),
            "log_format": _one_of("LEDGER_LOG_FORMAT", environ, LOG_FORMATS, "text").lower(),
            "log_level": _one_of("LEDGER_LOG_LEVEL", environ, LOG_LEVELS, "INFO").upper(),
            "timezone": time_zone(environ.get("LEDGER_TIMEZONE") or DEFAULT_ZONE),
            "log_client_addresses": _flag("LEDGER_LOG_CLIENT_ADDRESSES", environ),
            "operator_token": _secret("LEDGER_OPERATOR_TOKEN", environ),
            "evidence_dir": environ.get("LEDGER_EVIDENCE_DIR") or None,
            **{
                field: _whole(name, environ[name], minimum=1)
                for field, name in (
                    ("evidence_max_bytes", "LEDGER_EVIDENCE_MAX_BYTES"),
                    ("evidence_max_files", "LEDGER_EVIDENCE_MAX_FILES"),
                )
                if environ.get(name)
            },
            "tsa_url": environ.get("LEDGER_TSA_URL") or None,
            "smtp_url": environ.get("LEDGER_SMTP_URL") or None,
            "tsa_certs": environ.get("LEDGER_TSA_CERTS") or None,
            "two_factor": _one_of("LEDGER_TWO_FACTOR", environ, TWO_FACTOR, "required").lower(),
            "tsa_timeout": _seconds(
                "LEDGER_TSA_TIMEOUT", environ.get("LEDGER_TSA_TIMEOUT") or "10"
            ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        if self.evidence_dir is None:
            object.__setattr__(self, "evidence_dir", evidence_dir_beside(self.database_url))
        self._check_tsa()
        if self.smtp_url is not None:
            from infra.mail import SmtpSender  # the mail's own reading of its URL

            try:
                SmtpSender(self.smtp_url)
            except ValueError as refused:
                raise SettingsError(str(refused)) from None
        if self.two_factor not in TWO_FACTOR:
            raise SettingsError(
                f"LEDGER_TWO_FACTOR must be one of {', '.join(TWO_FACTOR)}, got {self.two_factor!r}"
            )
        if self.read_database_url is not None:
            for name, url in (
                ("LEDGER_READ_DATABASE_URL", self.read_database_url),
                ("LEDGER_DATABASE_URL", self.database_url),
            ):
                if urlparse(url).scheme not in ("postgresql", "postgres"):
                    raise SettingsError(
                        f"{name} must be a postgresql:// URL when LEDGER_READ_DATABASE_URL"
                        f" is set (a streaming replica of PostgreSQL), got {url!r}"
                    )

    def _check_tsa(self) -> None:
        if self.tsa_url is None:
            return
        if urlparse(self.tsa_url).scheme not in ("http", "https"):
            raise SettingsError(
                f"LEDGER_TSA_URL must be an http:// or https:// URL, got {self.tsa_url!r}"
            )
        if self.tsa_certs is None:
            raise SettingsError(
                "LEDGER_TSA_CERTS must be set with LEDGER_TSA_URL: the PEM file of the"
                " certificates the timestamp authority's tokens are checked against"
            )

    def event_store_env(self) -> dict[str, str]:
        return event_store_env(self.database_url)

    def replica_env(self) -> dict[str, str] | None:
        """The replica's settings, as ``event_store_env``'s (None: no replica)."""
        return event_store_env(self.read_database_url) if self.read_database_url else None


def evidence_dir_beside(url: str) -> str | None:
    """Where evidence is stored when ``LEDGER_EVIDENCE_DIR`` does not say: beside a SQLite
    database's file, under ./var for PostgreSQL; None (in memory) for ``memory:`` and SQLite's
    ``:memory:``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else parsed.path
        return None if path in ("", ":memory:") else str(Path(path).parent / EVIDENCE_FOLDER)
    if parsed.scheme == "memory":
        return None
    return str(Path("var") / EVIDENCE_FOLDER)


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
            "APPLICATION_RECORDER_TOPIC": "infra.recorders:SQLiteLedgerRecorder",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    if parsed.scheme in ("postgresql", "postgres"):
        query = parse_qs(parsed.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": "infra.postgres_recorder:PostgresLedgerRecorder",
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


def postgres_conninfo(env: Mapping[str, str]) -> str:
    """A libpq connection string for the PostgreSQL store ``env`` describes (its
    ``event_store_env``), for the connections the product opens beside the library's."""
    from psycopg.conninfo import make_conninfo

    return make_conninfo(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "10"),
    )


@dataclass(frozen=True)
class GunicornSettings:
    """How gunicorn serves the web app (``infra/gunicorn_conf.py``), from the environment."""

    bind: str = "127.0.0.1:8000"
    workers: int = 2
    threads: int = 4
    timeout: int = 60  # seconds a worker may go silent (booting, or stuck) before it is replaced
    graceful_timeout: int = 30  # seconds the requests in flight get after SIGTERM
    # A request reaches the app whole (infra/web_worker.py): its headers within header_timeout
    # seconds of their first byte; no pause longer than body_timeout seconds in its body (nor
    # in a kept-alive connection's silence, nor in the reading of an answer).
    header_timeout: int = 10
    body_timeout: int = 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> GunicornSettings:
        environ = os.environ if environ is None else environ
        whole = {
            field: _whole(name, environ[name], minimum=1)
            for field, name in (
                ("workers", "LEDGER_WORKERS"),
                ("threads", "LEDGER_THREADS"),
                ("timeout", "LEDGER_TIMEOUT"),
                ("graceful_timeout", "LEDGER_GRACEFUL_TIMEOUT"),
                ("header_timeout", "LEDGER_HEADER_TIMEOUT"),
                ("body_timeout", "LEDGER_BODY_TIMEOUT"),
            )
            if environ.get(name)
        }
        if environ.get("LEDGER_BIND"):
            return cls(**whole, bind=environ["LEDGER_BIND"])
        return cls(**whole)


def _flag(name: str, environ: Mapping[str, str]) -> bool:
    value = (environ.get(name) or "").strip().lower()
    if value not in FLAGS:
        raise SettingsError(f"{name} must be 1 or 0 (on or off), got {environ[name]!r}")
    return FLAGS[value]


def _secret(name: str, environ: Mapping[str, str]) -> str | None:
    value = environ.get(name) or None
    if value is not None and len(value) < MIN_SECRET:
        raise SettingsError(f"{name} must be at least {MIN_SECRET} characters, got {len(value)}")
    return value


def time_zone(name: str) -> tzinfo:
    """An IANA time zone by its name (Asia/Shanghai, Asia/Urumqi); any other name is refused."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise SettingsError(
        f"LEDGER_TIMEZONE must be a time zone of the IANA database such as {DEFAULT_ZONE},"
        f" got {name!r}"
    )


def _whole(name: str, text: str, *, minimum: int = 0) -> int:
    if not text.strip().isdigit() or int(text) < minimum:
        least = "a whole number" if minimum == 0 else f"a whole number of at least {minimum}"
        raise SettingsError(f"{name} must be {least}, got {text!r}")
    return int(text)


def _seconds(name: str, text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds <= 3600:  # NaN and infinity included
        raise SettingsError(f"{name} must be a number of seconds above 0, got {text!r}")
    return seconds


def _one_of(name: str, environ: Mapping[str, str], allowed: tuple[str, ...], default: str) -> str:
    value = (environ.get(name) or default).strip()
    if value.lower() not in (a.lower() for a in allowed):
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value
