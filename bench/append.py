"""Append throughput: the bare eventsourcing library vs. the product, and a bulk import.

In one run, per database, on the same fresh database:

a. the bare library: a minimal ``Application`` saving one new aggregate (one event) per
   transaction;
b. the product: ``Entries.record`` recording one ``dispute_registered`` per command, with every
   check the product makes; its rate over (a)'s is the ratio (target >= 0.8);
c. an import of ``--import-lines`` interchange lines (target >= 20,000 lines/s on SQLite), then
   the same lines again (all repeats).

(a) and (b) run in alternating rounds, so that other work on the machine weighs on both alike.

    python bench/append.py [--database sqlite|postgres|both] [--events N] [--import-lines N]
                           [--profile PREFIX]

``--profile`` also writes cProfile stats of (b) and (c), one file per measure; the profiled
figures are then slower than the unprofiled ones (and the ratio unfair to the product).

PostgreSQL: a database ``bench_<random>`` is created through the admin connection
``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``) and dropped
at the end. The exit status is 0 whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from common import database_url, load_average, start
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.access import Principal
from infra.settings import event_store_env
from sample.lines import bulk_lines
from services import Services, open_services

WARM_UP = 50
ROUNDS = 4  # (a) and (b) alternate, events / ROUNDS at a time
IMPORT_TOWNSHIPS = 20
SERVICE_RATIO_TARGET = 0.8
IMPORT_TARGET = 20_000  # lines/s, on SQLite

T = TypeVar("T")


# -- a. the bare library ----------------------------------------------------------------


class Thing(Aggregate):
    @event("Created")
    def __init__(self, name: str) -> None:
        self.name = name


class Bare(Application[UUID]):
    name = "bare"


# -- results ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    database: str
    measure: str
    count: int
    seconds: float
    verdict: str = ""  # "ratio/target" text
    passed: bool | None = None  # None: no target

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


class Clock:
    """Times actions; with ``--profile PREFIX`` also cProfiles the named ones, one
    ``PREFIX.<name>.prof`` file each (the bare library is timed, never profiled)."""

    def __init__(self, prefix: str | None) -> None:
        self.prefix = prefix
        self.profiles: dict[str, cProfile.Profile] = {}

    def time(self, action: Callable[[], T], profile_as: str | None = None) -> tuple[float, T]:
        profile = None
        if self.prefix and profile_as:
            profile = self.profiles.setdefault(profile_as, cProfile.Profile())
        gc.collect()
        if profile:
            profile.enable()
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        if profile:
            profile.disable()
        return seconds, result

    def dump(self) -> None:
        for name, profile in self.profiles.items():
            profile.dump_stats(f"{self.prefix}.{name}.prof")


# -- the three measures -----------------------------------------------------------------


def save_things(app: Bare, prefix: str, count: int) -> None:
    for n in range(count):
        app.save(Thing(f"{prefix} {n}"))


def record_disputes(services: Services, principal: Principal, prefix: str, count: int) -> None:
    for n in range(count):
        services.entries.record(
            principal,
            township="t00",
            type="dispute_registered",
            entry_id=f"{prefix}-{n:07d}",
            occurred_on="2024-03-05",
            fields={"source": "screening", "category": "land"},
        )


def bench_appends(clock: Clock, env, services, principal, events: int, database: str):
    """Seconds for (a) and (b), measured in alternating rounds so that a change in the
    machine's load during the run weighs on both alike."""
    services.tenancy.add_township(principal, county="bench", code="t00", name="Bench town")
    # The library's own recorders, not the product's (infra/recorders.py).
    app = Bare(env={k: v for k, v in env.items() if k != "APPLICATION_RECORDER_TOPIC"})
    try:
        save_things(app, "warm-up", WARM_UP)
        record_disputes(services, principal, "W", WARM_UP)
        bare = service = 0.0
        for n, size in enumerate(rounds(events)):
            bare += clock.time(lambda: save_things(app, f"thing {n}", size))[0]  # noqa: B023
            service += clock.time(
                lambda: record_disputes(services, principal, f"D{n}", size),  # noqa: B023
                profile_as=f"{database}.record",
            )[0]
        return bare, service
    finally:
        app.close()


def rounds(events: int) -> list[int]:
    size, rest = divmod(events, ROUNDS)
    return [size + (n < rest) for n in range(ROUNDS)]


def import_lines(count: int, townships: list[str]) -> list[str]:
    """``count`` valid interchange lines over ``townships``, as JSON text."""
    per_township = -(-count // len(townships))
    lines = list(bulk_lines(townships, per_township))[:count]
    return [json.dumps(line, ensure_ascii=False) for line in lines]


def bench_import(clock: Clock, services, principal, count: int, database: str):
    """Seconds for the first import, and for the same lines again (all repeats)."""
    codes = [f"b{n:02d}" for n in range(1, IMPORT_TOWNSHIPS + 1)]
    for code in ["warm", *codes]:
        services.tenancy.add_township(principal, county="bench", code=code, name=code)
    services.interchange.import_lines(principal, import_lines(WARM_UP, ["warm"]))
    lines = import_lines(count, codes)
    seconds = []
    for name, recorded in (("first", len(lines)), ("again", 0)):
        took, result = clock.time(
            lambda: services.interchange.import_lines(principal, lines),
            profile_as=f"{database}.import-{name}",
        )
        if result.recorded != recorded:  # a bug, not a slow run
            raise RuntimeError(f"import {name}: expected {recorded} recorded, got {result}")
        seconds.append(took)
    return len(lines), *seconds


def run_database(clock: Clock, database: str, url: str, args: argparse.Namespace) -> list[Row]:
    env = event_store_env(url)
    services = open_services(env)
    try:
        principal = Principal.operator("bench")
        services.tenancy.add_county(principal, code="bench", name="Bench county")
        bare, service = bench_appends(clock, env, services, principal, args.events, database)
        lines, first, again = bench_import(clock, services, principal, args.import_lines, database)
    finally:
        services.close()
    return rows(database, args.events, bare, service, lines, first, again)


def rows(database, events, bare, service, lines, first, again) -> list[Row]:
    ratio = bare / service  # the service's events/s over the bare library's
    on_sqlite = database == "sqlite"
    import_rate = lines / first
    return [
        Row(database, "a. bare library, 1 event/transaction", events, bare),
        Row(
            database,
            "b. service record, 1 event/command",
            events,
            service,
            f"{ratio:.3f}x bare (>= {SERVICE_RATIO_TARGET})",
            ratio >= SERVICE_RATIO_TARGET,
        ),
        Row(
            database,
            "c. import, first time",
            lines,
            first,
            f">= {IMPORT_TARGET:,}/s" + ("" if on_sqlite else " (SQLite's; info)"),
            import_rate >= IMPORT_TARGET if on_sqlite else None,
        ),
        Row(database, "c. import again (all repeats)", lines, again),
    ]


def print_table(table: list[Row]) -> None:
    header = ("database", "measure", "count", "seconds", "per second", "ratio/target", "result")
    cells = [header] + [
        (
            r.database,
            r.measure,
            f"{r.count:,}",
            f"{r.seconds:.2f}",
            f"{r.rate:,.0f}",
            r.verdict,
            {True: "PASS", False: "MISS", None: ""}[r.passed],
        )
        for r in table
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * width for width in widths))


# -- command line -----------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=2000, help="single-command events")
    parser.add_argument("--import-lines", type=int, default=100_000, help="lines to import")
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="also cProfile (b) and (c) into PREFIX.<database>.<measure>.prof",
    )
    return parser.parse_args()


def main() -> int:
    args = arguments()
    databases, admin_url = start(args.database)
    clock = Clock(args.profile)
    table: list[Row] = []
    for database in databases:
        with database_url(database, admin_url) as url:
            table += run_database(clock, database, url, args)
    print_table(table)
    print(f"\nload average at the end: {load_average()}")
    clock.dump()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
