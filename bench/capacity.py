"""Capacity: what one PostgreSQL primary takes of this workload, against the demand of a
province and of the whole country at the year-end peak.

1. **Measure** the ceiling, on a fresh PostgreSQL database, through the service layer (the code
   every web process runs, without HTTP: web processes scale out, the primary does not):
   clerks' single commands (``Entries.record``) from 1, 2, 4 and 8 processes at once, each its
   own township; imports of 500-line files (``Interchange.import_lines``) from 1, 2 and 4
   processes; and both together. The event store serialises its inserts (the library takes a
   table lock until commit), so the rate stops growing with processes: that plateau is the
   ceiling. Also the bytes the database holds per entry.
2. **Model on paper** the demand: each township's year of entries from the seed's scale (the
   seed town's 2024 is 2,188 lines; ``sample.lines.township_lines`` draws townships around it),
   a year-end peak (a share of the year in the last weeks and the last days, in working hours,
   the peak hour twice the day's mean), for an average province, a large one and the country
   (38,600 township-level divisions).
3. **Simulate** the peak hour of each scenario as a queue in front of one writer (the table
   lock): commands and imports arriving at random (Poisson) with the measured service times,
   imports split into transactions of at most 5,000 events as the product does; the writer's
   utilisation and how long a clerk's command waits (p50, p99, the worst).

    python bench/capacity.py                       # measure (2-6 minutes), model, simulate
    python bench/capacity.py --seconds 4           # a shorter measurement
    python bench/capacity.py --ceiling 900,12000   # skip the measurement: commands/s, lines/s

PostgreSQL: a database ``bench_<random>`` through ``BENCH_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``), dropped at the end. Exit status 0 whatever
the figures: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import heapq
import json
import multiprocessing
import random
import statistics
import time
from dataclasses import dataclass

import psycopg
from common import load_average, postgres_database, start

from domain.access import Principal
from infra.settings import event_store_env
from sample.lines import bulk_lines, seed_lines, township_lines
from services import open_services

OPERATOR = Principal.operator("capacity")
IMPORT_FILE = 500  # lines a township's import file holds, on average
IMPORT_TRANSACTION = 5_000  # the most events an import writes in one transaction


# -- 1. the measured ceiling ------------------------------------------------------------------


def _clerk(url: str, township: str, seconds: float, start_together, queue) -> None:
    """One process recording single commands into its township for ``seconds``."""
    services = open_services(event_store_env(url))
    try:
        n = 0
        start_together.wait(timeout=600)
        begin = time.monotonic()
        while time.monotonic() < begin + seconds:
            services.entries.record(
                OPERATOR,
                township=township,
                type="dispute_registered",
                entry_id=f"C-{n:07d}",
                occurred_on="2024-12-30",
                fields={"source": "screening", "category": "土地"},
            )
            n += 1
        queue.put(("command", n / (time.monotonic() - begin)))
    finally:
        services.close()


def _importer(url: str, township: str, seconds: float, start_together, queue) -> None:
    """One process importing files of IMPORT_FILE lines into its township for ``seconds``."""
    services = open_services(event_store_env(url))
    try:
        lines, files = _file_lines(township, IMPORT_FILE * 200), 0
        start_together.wait(timeout=600)
        begin = time.monotonic()
        while time.monotonic() < begin + seconds:
            chunk = lines[files * IMPORT_FILE : (files + 1) * IMPORT_FILE]
            if len(chunk) < IMPORT_FILE:
                raise RuntimeError("out of lines: measure fewer seconds")
            result = services.interchange.import_lines(OPERATOR, chunk)
            if result.recorded != IMPORT_FILE:  # a bug, not a slow run
                raise RuntimeError(f"expected {IMPORT_FILE} recorded, got {result}")
            files += 1
        queue.put(("import", files * IMPORT_FILE / (time.monotonic() - begin)))
    finally:
        services.close()


def _file_lines(township: str, count: int) -> list[str]:
    return [json.dumps(line, ensure_ascii=False) for line in bulk_lines([township], count)][:count]


@dataclass(frozen=True)
class Measured:
    label: str
    commands: float  # per second
    lines: float  # per second


def measure_round(url: str, clerks: int, importers: int, seconds: float, round_: int) -> Measured:
    context = multiprocessing.get_context("spawn")  # no connection crosses a fork
    queue = context.Queue()
    start_together = context.Barrier(clerks + importers)  # every process open first
    processes = []
    services = open_services(event_store_env(url))
    try:
        for kind, count, target in (("c", clerks, _clerk), ("i", importers, _importer)):
            for n in range(count):
                code = f"r{round_}{kind}{n}"
                services.tenancy.add_township(OPERATOR, county="cap", code=code, name=code)
                processes.append(
                    context.Process(target=target, args=(url, code, seconds, start_together, queue))
                )
    finally:
        services.close()
    for process in processes:
        process.start()
    done = [queue.get(timeout=seconds + 600) for _ in processes]
    for process in processes:
        process.join()
    # Each process's rate over its own time (to the end of its last command or file), summed.
    commands = sum(rate for kind, rate in done if kind == "command")
    lines = sum(rate for kind, rate in done if kind == "import")
    label = f"{clerks} command + {importers} import processes"
    return Measured(label, commands, lines)


def measure(admin_url: str, seconds: float) -> tuple[list[Measured], float, float, float]:
    """The rounds, the ceilings (commands/s alone, lines/s alone) and bytes per entry."""
    rounds = [(1, 0), (2, 0), (4, 0), (8, 0), (0, 1), (0, 2), (0, 4), (4, 2)]
    results = []
    with postgres_database(admin_url) as url:
        services = open_services({**event_store_env(url), "CREATE_TABLE": "y"})
        services.tenancy.add_county(OPERATOR, code="cap", name="Capacity county")
        services.close()
        for n, (clerks, importers) in enumerate(rounds):
            results.append(measure_round(url, clerks, importers, seconds, n))
            print(
                f"  {results[-1].label}: {results[-1].commands:,.0f} commands/s, "
                f"{results[-1].lines:,.0f} lines/s",
                flush=True,
            )
        services = open_services(event_store_env(url))
        services.read_model.refresh()  # the read model is part of what an entry costs
        services.close()
        with psycopg.connect(url) as connection:
            size = connection.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            entries = connection.execute("SELECT count(*) FROM ledger_rm_facts").fetchone()[0]
    command_ceiling = max(r.commands for r in results if r.lines == 0)
    import_ceiling = max(r.lines for r in results if r.commands == 0)
    return results, command_ceiling, import_ceiling, size / entries


# -- 2. the demand on paper -------------------------------------------------------------------


@dataclass(frozen=True)
class Peak:
    """Assumptions about when a year's entries are recorded (see docs/deployment.md)."""

    last_weeks_share: float = 0.40  # of the year's entries, in the last 4 weeks (20 working days)
    last_days_share: float = 0.15  # of which this much in the last 3 working days
    last_days: int = 3
    hours: int = 8  # working hours a day
    peak_hour_factor: float = 2.0  # the busiest hour against the day's mean hour
    imported_share: float = 0.7  # of the entries at the peak, brought by import files


@dataclass(frozen=True)
class Scenario:
    name: str
    townships: int
    peak: Peak


def entries_per_township() -> float:
    """A township's year at the seed's scale: the seed town and townships drawn around it."""
    drawn = [len(township_lines(f"t{n}", 2024, n, 1.0)) for n in range(40)]
    return statistics.mean([len(seed_lines("seed")), *drawn])


def peak_hour_rate(scenario: Scenario, per_township: float) -> float:
    """Entries a second in the busiest hour of the busiest day."""
    p = scenario.peak
    year = scenario.townships * per_township
    day = year * p.last_days_share / p.last_days
    return day / (p.hours * 3600) * p.peak_hour_factor


# -- 3. the simulation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Simulated:
    utilisation: float
    p50_ms: float
    p99_ms: float
    worst_ms: float
    backlog_s: float  # work still queued when the hour ends


def simulate(rate: float, peak: Peak, command_s: float, line_s: float, seed: int = 1) -> Simulated:
    """One hour of arrivals at ``rate`` entries/s in front of one writer, served in order."""
    rng = random.Random(seed)
    command_rate = rate * (1 - peak.imported_share)
    import_rate = rate * peak.imported_share / IMPORT_FILE  # files a second
    arrivals: list[tuple[float, str, float]] = []  # (when, kind, service seconds)
    for kind, per_second in (("command", command_rate), ("import", import_rate)):
        t = 0.0
        while per_second > 0:
            t += rng.expovariate(per_second)
            if t >= 3600:
                break
            if kind == "command":
                arrivals.append((t, kind, command_s))
                continue
            lines = max(1, round(rng.lognormvariate(0, 0.8) * IMPORT_FILE / 1.377))
            while lines > 0:  # one transaction after another, each queued anew
                part = min(lines, IMPORT_TRANSACTION)
                arrivals.append((t, kind, part * line_s))
                lines -= part
    heapq.heapify(arrivals)
    free_at, busy, waits = 0.0, 0.0, []
    while arrivals:
        when, kind, service = heapq.heappop(arrivals)
        begin = max(when, free_at)
        if kind == "command":
            waits.append(begin - when + service)
        free_at = begin + service
        busy += service
    waits.sort()

    def at(q: float) -> float:
        return 1000 * waits[min(len(waits) - 1, int(q * len(waits)))] if waits else 0.0

    return Simulated(
        busy / 3600, at(0.5), at(0.99), 1000 * waits[-1] if waits else 0.0, max(0.0, free_at - 3600)
    )


# -- the report -------------------------------------------------------------------------------


def _duration(ms: float) -> str:
    if ms < 10_000:
        return f"{ms:,.1f} ms"
    return f"{ms / 1000:,.0f} s" if ms < 600_000 else f"{ms / 60_000:,.0f} min"


def _busy(result: Simulated) -> str:
    """The writer's share of the hour; past 100 %, the work still queued when it ends."""
    if result.backlog_s > 1:
        return f"{result.utilisation:.0%} (saturated: {result.backlog_s:,.0f} s of work left)"
    return f"{result.utilisation:.0%}"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="each measured round")
    parser.add_argument(
        "--ceiling",
        metavar="COMMANDS,LINES",
        help="commands/s and import lines/s of one primary, instead of measuring them",
    )
    parser.add_argument(
        "--standby-ms",
        type=float,
        default=1.0,
        help="what a synchronous standby adds to every commit (its round trip), milliseconds",
    )
    return parser.parse_args()


SCENARIOS = [
    Scenario("an average province (38,600 / 31)", 1_245, Peak()),
    Scenario("a large province", 3_100, Peak()),
    Scenario("the country", 38_600, Peak()),
    Scenario(
        "the country, half the year on its last day",
        38_600,
        Peak(last_days_share=0.5, last_days=1),
    ),
]


def main() -> int:
    args = arguments()
    _, admin_url = start("postgres")
    if args.ceiling:
        command_ceiling, import_ceiling = (float(x) for x in args.ceiling.split(","))
        per_entry_bytes = None
        print(f"ceiling given: {command_ceiling:,.0f} commands/s, {import_ceiling:,.0f} lines/s")
    else:
        print(f"measuring, {args.seconds:g} s a round, PostgreSQL through the service layer:")
        _, command_ceiling, import_ceiling, per_entry_bytes = measure(admin_url, args.seconds)
        print(
            f"ceiling: {command_ceiling:,.0f} commands/s, {import_ceiling:,.0f} lines/s; "
            f"{per_entry_bytes:,.0f} bytes of database per entry"
        )
    print(f"load average after measuring: {load_average()}\n")

    per_township = entries_per_township()
    print(f"a township's year at the seed's scale: {per_township:,.0f} entries\n")
    command_s, line_s = 1 / command_ceiling, 1 / import_ceiling
    standby_command_s = command_s + args.standby_ms / 1000
    header = (
        "scenario",
        "entries/year",
        "peak hour/s",
        "writer busy",
        "command p50/p99/worst",
        "with sync standby: busy, p99",
    )
    print(" | ".join(header))
    for scenario in SCENARIOS:
        rate = peak_hour_rate(scenario, per_township)
        alone = simulate(rate, scenario.peak, command_s, line_s)
        standby = simulate(rate, scenario.peak, standby_command_s, line_s)
        print(
            " | ".join(
                (
                    scenario.name,
                    f"{scenario.townships * per_township / 1e6:,.1f} M",
                    f"{rate:,.0f}",
                    _busy(alone),
                    " / ".join(
                        _duration(ms) for ms in (alone.p50_ms, alone.p99_ms, alone.worst_ms)
                    ),
                    f"{_busy(standby)}, {_duration(standby.p99_ms)}",
                )
            )
        )
    if per_entry_bytes:
        country = 38_600 * per_township * per_entry_bytes / 1e9
        print(
            f"\nstorage: {per_entry_bytes:,.0f} bytes an entry (events, chain links, read model,"
            f" indexes) = {country:,.0f} GB a year for the country, {country / 31:,.1f} GB for"
            " an average province"
        )
    print(f"\nload average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
