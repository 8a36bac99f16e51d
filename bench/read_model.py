"""Read-model speed: projection rebuild vs. the bare library, the county ranking, the report.

In one run, per database, on the same fresh database:

a. the bare library reading and decoding the whole notification log, page by page
   (``select_notifications`` + ``mapper.to_domain_event``) vs. the product rebuilding its
   read model from position zero over the same log (target: rebuild >= 0.5x the bare rate),
   as it does (a writer process storing the pages) and, for comparison, in one process;
b. the current ranking of a county of ``--townships`` townships for one year, read from the
   read model's tallies: p50/p95 over ``--runs`` calls (target p95 < 50 ms); the same ranking
   as of the moment before one late entry per township was recorded (tallies corrected by the
   facts recorded since; target p95 < 200 ms), and as of the log's middle (half of the log
   recorded since; target p95 < 200 ms, issue 20);
c. the seed township's annual report: figures + document + DOCX (target < 200 ms p95);
d. the county's data-quality flags for the year, the first read after a recording (the one
   township that recorded judged again, the others' flags kept) and again (kept while the
   read model stands); no target.

    python bench/read_model.py [--database sqlite|postgres|both] [--townships N]
                                [--lines-per-township N] [--runs N]

The exit status is 0 whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from common import database_url, load_average, start

from documents.report_docx import render_docx
from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger
from projections.runner import PIPELINE_PAGES
from sample.lines import bulk_lines, seed_lines

OPERATOR = Principal.operator()
PAGE = 1_000
REBUILD_RATIO_TARGET = 0.5
RANKING_P95_TARGET = 0.050
REPORT_P95_TARGET = 0.200
AS_OF_P95_TARGET = 0.200


def fill(services, townships: int, per_township: int) -> tuple[str, int]:
    """A county of ``townships`` townships with a year of lines each, plus the seed town."""
    county = "bench"
    services.tenancy.add_county(OPERATOR, code=county, name="Bench county")
    codes = [f"t{n:04d}" for n in range(townships)]
    for code in [*codes, "seed"]:
        services.tenancy.add_township(OPERATOR, county=county, code=code, name=code)
    lines = [json.dumps(line) for line in bulk_lines(codes, per_township)]
    lines += [json.dumps(line) for line in seed_lines("seed")]
    services.interchange.import_lines(OPERATOR, lines)
    return county, len(lines)


def bare_read(app) -> int:
    count, start = 0, 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE)
        for notification in page:
            app.mapper.to_domain_event(notification)
        count += len(page)
        if len(page) < PAGE:
            return count
        start = page[-1].id + 1


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def quantiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def run_database(database: str, url: str, args: argparse.Namespace) -> list[str]:
    services = open_ledger(Settings(database_url=url))
    try:
        county, lines = fill(services, args.townships, args.lines_per_township)
        events = services.app.recorder.max_notification_id()
        bare = min(timed(lambda: bare_read(services.app)) for _ in range(2))
        rebuild = min(timed(services.read_model.rebuild) for _ in range(2))
        services.read_model.pipeline_pages = None  # for comparison: all in this one process
        alone = min(timed(services.read_model.rebuild) for _ in range(2))
        services.read_model.pipeline_pages = PIPELINE_PAGES
        ratio = (events / rebuild) / (events / bare)
        rows = [
            f"{database}: {lines:,} lines imported, {events:,} events in the log",
            f"  bare read+decode      {events / bare:>12,.0f} events/s",
            f"  read-model rebuild    {events / rebuild:>12,.0f} events/s  ratio {ratio:.2f} "
            f"(target >= {REBUILD_RATIO_TARGET}) {verdict(ratio >= REBUILD_RATIO_TARGET)}",
            f"    without the writer process {events / alone:>10,.0f} events/s  ratio "
            f"{bare / alone:.2f} (no target)",
        ]
        ranking = lambda **kw: services.rankings.ranking(  # noqa: E731
            OPERATOR, county=county, period="2024", **kw
        )
        ranking()  # warm
        p50, p95 = quantiles([timed(ranking) for _ in range(args.runs)])
        rows.append(
            f"  ranking, {args.townships + 1} townships, now    p50 {p50 * 1000:7.1f} ms  "
            f"p95 {p95 * 1000:7.1f} ms (target < 50 ms) {verdict(p95 < RANKING_P95_TARGET)}"
        )
        rows.extend(as_of_rankings(services, ranking, args))
        rows.extend(quality_flags(services, county, ranking, args))

        def report() -> None:
            document = services.reports.report(OPERATOR, township="seed", year=2024)
            render_docx(document)

        report()  # warm
        p50, p95 = quantiles([timed(report) for _ in range(args.runs)])
        rows.append(
            f"  annual report (DOCX), seed town  p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f}"
            f" ms (target < 200 ms) {verdict(p95 < REPORT_P95_TARGET)}"
        )
        return rows
    finally:
        services.close()


def quality_flags(services, county: str, ranking: Callable, args) -> list[str]:
    """The county's data-quality flags for the year: the first read after a recording (the
    facts of the township that recorded read and judged again, the others' flags kept) and
    the ones after it (kept while the read model stands), and the ranking with them."""
    runs = max(5, args.runs // 5)
    quality = lambda: services.quality.quality(OPERATOR, county=county, period="2024")  # noqa: E731

    def first() -> float:
        line = {"township": "seed", "type": "liaison_registered", "occurred_on": "2024-06-01"}
        line["id"] = f"Q-{time.perf_counter_ns()}"
        services.interchange.import_lines(OPERATOR, [json.dumps(line)])
        services.read_model.refresh()
        return timed(quality)

    quality()  # a process's first read judges every township; the recordings' come after
    rows = []
    for name, samples in (
        ("first after a recording", [first() for _ in range(runs)]),
        ("again (kept)", [timed(quality) for _ in range(runs)]),
        ("ranking with its flags (the API's)", [timed(lambda: ranking(with_flags=True))]),
    ):
        p50, p95 = quantiles(samples)
        rows.append(f"  data quality, {name}  p50 {p50 * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms")
    return rows


def as_of_rankings(services, ranking: Callable, args: argparse.Namespace) -> list[str]:
    """The ranking as of a moment: just before one late entry per township was recorded
    (the audit question: what did the county know then?), p50/p95 over ``--runs`` calls;
    and, for scale, as of the middle of the log (half of everything recorded since)."""
    events = services.app.recorder.max_notification_id()
    (middle,) = services.app.recorder.select_notifications(start=events // 2, limit=1)
    halfway = services.app.mapper.to_domain_event(middle).timestamp
    before = datetime.now(UTC)
    time.sleep(0.01)
    late = [
        {
            "township": f"t{n:04d}",
            "type": "dispute_registered",
            "id": f"LATE-{n}",
            "occurred_on": "2024-12-30",
            "source": "other",
            "category": "late",
        }
        for n in range(args.townships)
    ]
    services.interchange.import_lines(OPERATOR, [json.dumps(line) for line in late])
    ranking()  # brings the read model up to date
    ranking(as_of=before)  # warm
    p50, p95 = quantiles([timed(lambda: ranking(as_of=before)) for _ in range(args.runs)])
    rows = [
        f"  ranking as of a moment, {len(late):,} late entries since  p50 {p50 * 1000:7.1f} ms"
        f"  p95 {p95 * 1000:7.1f} ms (target < 200 ms) {verdict(p95 < AS_OF_P95_TARGET)}"
    ]
    ranking(as_of=halfway)  # warm
    p50, p95 = quantiles([timed(lambda: ranking(as_of=halfway)) for _ in range(args.runs)])
    rows.append(
        f"  ranking as of the log's middle (half of it since)  p50 {p50 * 1000:7.1f} ms"
        f"  p95 {p95 * 1000:7.1f} ms (target < 200 ms) {verdict(p95 < AS_OF_P95_TARGET)}"
    )
    return rows


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--townships", type=int, default=1000)
    parser.add_argument("--lines-per-township", type=int, default=100)
    parser.add_argument("--runs", type=int, default=50)
    return parser.parse_args()


def main() -> int:
    args = arguments()
    databases, admin_url = start(args.database)
    for database in databases:
        with database_url(database, admin_url) as url:
            for row in run_database(database, url, args):
                print(row, flush=True)
    print(f"\nload average at the end: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
