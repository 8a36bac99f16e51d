"""What the townships' hash chains cost: the product with and without them, side by side.

In one process, per database, on a fresh database: single commands (``Entries.record`` of one
``dispute_registered``) in ``--rounds`` pairs of rounds, and imports (``--import-lines`` lines
over 20 townships of their own) in ``--import-rounds`` pairs, each pair one round with the
chain and one without (the links left out of the transaction), their order alternating. A
machine busy with other work weighs on both sides of a pair alike: the median of the pairs'
ratios is the chain's cost, in wall-clock time (the target's measure) and in the process's CPU
time (steadier on a shared machine). (``bench/append.py`` measures the product's absolute
rates.)

    python bench/chain_cost.py [--database sqlite|postgres|both] [--rounds N] [--commands N]
                               [--import-rounds N] [--import-lines N]

The exit status is 0 whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from append import import_lines, record_disputes
from common import DEFAULT_ADMIN_URL, database_url, load_average, machine, print_machine

from domain.access import Principal
from infra.settings import event_store_env
from services import Services, application, entries, open_services

OPERATOR = Principal.operator("bench")
TARGET = 0.10  # the chain may cost commands and imports at most 10 %


class NoLinks:
    """What ``services.chains.Links`` is for a write with no entry events: nothing to add."""

    chain_ids: tuple = ()
    made: dict = {}  # noqa: RUF012 - never changed

    def __bool__(self) -> bool:
        return False

    def __call__(self, last: object) -> list:
        return []


NO_LINKS = NoLinks()


@contextmanager
def chain_off() -> Iterator[None]:
    """Saves without the townships' hash-chain links, and without hashing each entry event as
    it is checked (a measurement only)."""
    saved = application.Links, entries.covered
    application.Links = lambda *arguments: NO_LINKS  # the same write, with no link in it
    entries.covered = lambda event: None
    try:
        yield
    finally:
        application.Links, entries.covered = saved


def paired(rounds: int, with_chain: Callable[[int], None], without: Callable[[int], None]):
    """The median ratios (with / without) over the pairs, of the wall-clock time and of this
    process's CPU time, and the total wall-clock seconds of each side. (On a machine shared
    with other work, the CPU time is the steadier figure: it leaves out the waits for the disk
    and for the processor, which the wall-clock time includes.)"""
    ratios, cpu_ratios, on_total, off_total = [], [], 0.0, 0.0
    for n in range(rounds):
        first_on = n % 2 == 0
        took, cpu = {}, {}
        for on in (first_on, not first_on):
            start, start_cpu = time.perf_counter(), time.process_time()
            if on:
                with_chain(n)
            else:
                with chain_off():
                    without(n)
            took[on] = time.perf_counter() - start
            cpu[on] = time.process_time() - start_cpu
        on_total += took[True]
        off_total += took[False]
        ratios.append(took[True] / took[False])
        cpu_ratios.append(cpu[True] / cpu[False] if cpu[False] else 1.0)
    return statistics.median(ratios), statistics.median(cpu_ratios), on_total, off_total


def commands(services: Services, args: argparse.Namespace) -> str:
    services.tenancy.add_township(OPERATOR, county="bench", code="t00", name="t00")
    record_disputes(services, OPERATOR, "W", 50)
    size = args.commands
    ratio, cpu, on, off = paired(
        args.rounds,
        lambda n: record_disputes(services, OPERATOR, f"A{n}", size),
        lambda n: record_disputes(services, OPERATOR, f"B{n}", size),
    )
    count = size * args.rounds
    return row("single commands", ratio, cpu, count / on, count / off, "events")


def imports(services: Services, args: argparse.Namespace) -> str:
    files = {}
    for n in range(args.import_rounds):
        for side in "ab":
            codes = [f"{side}{n}x{k:02d}" for k in range(20)]
            for code in codes:
                services.tenancy.add_township(OPERATOR, county="bench", code=code, name=code)
            files[(n, side)] = import_lines(args.import_lines, codes)
    ratio, cpu, on, off = paired(
        args.import_rounds,
        lambda n: services.interchange.import_lines(OPERATOR, files[(n, "a")]),
        lambda n: services.interchange.import_lines(OPERATOR, files[(n, "b")]),
    )
    count = args.import_lines * args.import_rounds
    return row("imports, first time", ratio, cpu, count / on, count / off, "lines")


def row(measure: str, ratio: float, cpu: float, on: float, off: float, unit: str) -> str:
    cost = ratio - 1
    verdict = "PASS" if cost <= TARGET else "MISS"
    return (
        f"  {measure:<20} with the chain {on:>8,.0f} {unit}/s, without {off:>8,.0f} {unit}/s;"
        f" cost (median of pairs) {cost:+.1%} (target <= +{TARGET:.0%}) {verdict};"
        f" in CPU time {cpu - 1:+.1%}"
    )


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--commands", type=int, default=60, help="commands a round")
    parser.add_argument("--import-rounds", type=int, default=6)
    parser.add_argument("--import-lines", type=int, default=10_000, help="lines a round")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    admin_url = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_ADMIN_URL
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print_machine(machine(databases, admin_url))
    for database in databases:
        with database_url(database, admin_url) as url:
            services = open_services({**event_store_env(url), "CREATE_TABLE": "y"})
            try:
                services.tenancy.add_county(OPERATOR, code="bench", name="Bench county")
                print(f"{database}:", flush=True)
                print(commands(services, args), flush=True)
                print(imports(services, args), flush=True)
            finally:
                services.close()
    print(f"\nload average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
