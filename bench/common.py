"""What the benchmarks share: fresh databases to run on, and the machine they ran on."""

from __future__ import annotations

import os
import platform
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from urllib.parse import urlparse

import psycopg

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


# -- databases --------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        yield f"sqlite:///{directory}/ledger.sqlite3"


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the admin connection's server, dropped afterwards."""
    name = f"bench_{secrets.token_hex(4)}"
    administer(admin_url, f"CREATE DATABASE {name}")
    try:
        yield urlparse(admin_url)._replace(path=f"/{name}").geturl()
    finally:
        administer(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def administer(admin_url: str, statement: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(statement)


def database_url(database: str, admin_url: str):
    return sqlite_database() if database == "sqlite" else postgres_database(admin_url)


# -- the machine ----------------------------------------------------------


def cpuinfo(key: str) -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
        return f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        return "unknown"


def load_average() -> str:
    """Other work on the machine skews the figures: print the load next to them."""
    try:
        return " ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1, 5, 15 min)"
    except OSError:
        return "unknown"


def postgres_version(admin_url: str) -> str:
    try:
        with psycopg.connect(admin_url, connect_timeout=5) as conn:
            return conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as error:
        return f"unavailable ({error.__class__.__name__})"


def machine(databases: list[str], admin_url: str) -> dict[str, str]:
    return {
        "date": time.strftime("%Y-%m-%d"),
        "platform": platform.platform(),
        "cpu": cpuinfo("model name"),
        "cores": str(os.cpu_count()),
        "ram": ram_gib(),
        "python": platform.python_version(),
        "eventsourcing": version("eventsourcing"),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(admin_url) if "postgres" in databases else "not run",
        "load average": load_average(),
    }


def start(choice: str) -> tuple[list[str], str]:
    """The databases a run covers ("sqlite", "postgres" or "both") and the PostgreSQL admin URL
    (``BENCH_POSTGRES_URL``); prints the machine it runs on."""
    admin_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_ADMIN_URL
    databases = ["sqlite", "postgres"] if choice == "both" else [choice]
    print_machine(machine(databases, admin_url))
    return databases, admin_url


def print_machine(info: dict[str, str]) -> None:
    for key, value in info.items():
        print(f"{key:>14}: {value}")
    print()
