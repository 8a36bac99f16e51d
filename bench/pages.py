"""Pages at a county's full history: every page of every role, p50/p95, on SQLite and PostgreSQL.

Per database, on a fresh database: a county of ``--townships`` townships, each with
``--years`` years of a drawn township's lines (the last year ending last December), a ranking
published in the middle of the log, a report submitted; a user of every role. Then, in this
process, the web app as a web worker runs it (pages never project; a projection worker has
caught up), signed in as each role through ``/login``, asks every page ``--runs`` times and
prints its p50 and p95 and the size of its answer. Targets (issue 20): every page p95 < 100 ms;
no page over 500 KB; the ranking as of a moment in the log's middle p95 < 200 ms.

The yardstick, in the same run on the same database: the bare library reading one entry's
events (``repository.get``), what any page that shows an entry does at the least.

    python bench/pages.py [--database sqlite|postgres|both] [--townships N] [--years N]
                          [--runs N] [--scale X]

Every GET route of the pages is asked for; a route without a page in this list is printed as
"not measured". The exit status is 0 whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from common import database_url, load_average, start

from domain.access import Principal
from domain.entry import entry_uuid
from domain.moments import local
from infra.settings import Settings
from infra.wiring import open_ledger
from sample.lines import township_lines
from web import create_app
from web.config import WebConfig
from web.wsgi import settle

OPERATOR = Principal.operator("bench")
PASSWORD = "bench-password-1"
P95_TARGET = 0.100
AS_OF_TARGET = 0.200
SIZE_TARGET = 500_000


def fill(services, townships: int, years: int, scale: float) -> dict:
    """The county, its townships' years (half of them before the publication), its users."""
    tenancy = services.tenancy
    tenancy.add_county(OPERATOR, code="bench", name="基准县")
    codes = [f"t{n:02d}" for n in range(townships)]
    for n, code in enumerate(codes):
        tenancy.add_township(OPERATOR, county="bench", code=code, name=f"第{n + 1}镇")
    last = date.today().year - 1
    years_ = list(range(last - years + 1, last + 1))
    lines = [
        json.dumps(line, ensure_ascii=False)
        for year in years_
        for n, code in enumerate(codes)
        for line in township_lines(code, year, n, scale)
    ]
    half = len(lines) // 2
    started = time.perf_counter()
    services.interchange.import_lines(OPERATOR, lines[:half])
    services.read_model.refresh()
    middle = datetime.now(UTC)
    time.sleep(0.01)
    publication = services.publications.publish_ranking(OPERATOR, county="bench", period=str(last))
    services.interchange.import_lines(OPERATOR, lines[half:])
    users = {
        "clerk": ("clerk", {"township": codes[0]}),
        "head": ("head", {"township": codes[0]}),
        "county_officer": ("county_officer", {"county": "bench"}),
        "auditor": ("auditor", {"county": "bench"}),
        "admin": ("admin", {}),
    }
    for username, (role, scope) in users.items():
        tenancy.add_user(OPERATOR, username=username, password=PASSWORD, role=role, **scope)
    services.reports.submit(tenancy.principal(username="head"), township=codes[0], year=last)
    services.read_model.refresh()
    return {
        "codes": codes,
        "year": last,
        "middle": middle,
        "publication": publication.id,
        "lines": len(lines),
        "seconds": time.perf_counter() - started,
        "entry": next(json.loads(line)["id"] for line in lines if codes[0] in line),
    }


def pages(world: dict) -> dict[str, list[str]]:
    """The pages each role is asked for (their paths, with the parameters a user would give)."""
    t0, year, entry = world["codes"][0], world["year"], world["entry"]
    # What the auditor types: the installation's local time (domain/moments.py)
    moment = local(world["middle"]).strftime("%Y-%m-%dT%H:%M:%S")
    since = local(world["middle"] - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    township = [
        "/township/",
        f"/township/?period={year}-Q2",
        "/township/entries",
        "/township/entries?type=dispute_registered&state=open",
        f"/township/entry?id={entry}",
        "/township/record",
        "/township/record/dispute_registered",
        "/township/import",
        f"/township/report?year={year}",
        f"/township/report/{year}/preview",
        "/township/trends",
        "/notifications",
        "/password",
    ]
    return {
        "clerk": township,
        "head": township,
        "county_officer": [
            "/county/",
            f"/county/?period={year}-Q3",
            f"/county/townships/{t0}",
            f"/county/charts/trend/{t0}.json",
            "/county/charts/scores.json",
            "/county/indicators",
            f"/county/reports?period={year}",
            f"/county/reports/{t0}/{year}",
            f"/county/reports/{t0}/{year}/preview",
            "/county/publications",
            f"/county/publications/{world['publication']}/entries",
            "/county/trail",
            f"/county/entry?township={t0}&id={entry}",
            "/county/calendar",
            f"/county/completeness?period={year}",
            "/county/groups",
            "/county/quality-rules",
            "/county/places",
            "/county/people",
            "/county/onboarding",
            "/notifications",
        ],
        "auditor": [
            "/audit/",
            f"/audit/entry?township={t0}&id={entry}",
            f"/audit/stream?township={t0}&from={since}&to={moment}",
            f"/audit/figures?township={t0}&period={year}&as_of={moment}",
            f"/audit/figures/entries?township={t0}&period={year}&as_of={moment}",
            f"/audit/ranking?period={year}&as_of={moment}",
            f"/audit/ranking/entries?period={year}&as_of={moment}",
            "/audit/rights",
        ],
        "admin": ["/admin/", "/admin/counties/bench"],
    }


def timed(call: Callable[[], object], runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        took.append(time.perf_counter() - started)
    return sorted(took)


def p(took: list[float], share: float) -> float:
    return took[min(len(took) - 1, int(share * len(took)))]


def measure(services, world: dict, runs: int) -> list[tuple[str, str, int, float, float, int]]:
    app = create_app(services, WebConfig(secret_key="bench", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    settle()  # as each gunicorn worker does once its app is made (web/wsgi.py)
    rows = []
    for role, paths in pages(world).items():
        client = app.test_client()
        signed = client.post("/login", data={"username": role, "password": PASSWORD})
        assert signed.status_code == 302, (role, signed.status_code)
        for path in paths:
            answer = client.get(path)  # the first: caches warmed, the page checked
            took = timed(lambda: client.get(path), runs)  # noqa: B023
            rows.append(
                (role, path, answer.status_code, p(took, 0.5), p(took, 0.95), len(answer.data))
            )
    measured = {path.split("?")[0] for paths in pages(world).values() for path in paths}
    unmeasured = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith(("/api/", "/static", "/language", "/healthz", "/readyz"))
        and not rule.rule.endswith((".xlsx", ".docx", ".jsonl", ".json", ".py"))  # files
        and rule.rule not in ("/", "/login")  # a redirect, and the page before signing in
        and not rule.rule.startswith(("/township/entries/<", "/audit/entries/<"))  # old links
        and not any(_matches(rule.rule, path) for path in measured)
    )
    for rule in unmeasured:
        print(f"  not measured: {rule}")
    return rows


def _matches(rule: str, path: str) -> bool:
    rule_parts, path_parts = rule.strip("/").split("/"), path.strip("/").split("/")
    return len(rule_parts) == len(path_parts) and all(
        r.startswith("<") or r == q for r, q in zip(rule_parts, path_parts, strict=True)
    )


def yardstick(services, world: dict, runs: int) -> tuple[float, float]:
    key = entry_uuid(world["codes"][0], world["entry"])
    took = timed(lambda: services.app.repository.get(key), runs)
    return p(took, 0.5), p(took, 0.95)


def run(database: str, url: str, args) -> None:
    settings = Settings(database_url=url, two_factor="optional")  # pages, not enrolment
    services = open_ledger(settings)
    try:
        world = fill(services, args.townships, args.years, args.scale)
        print(
            f"{database}: {args.townships} townships x {args.years} years, {world['lines']:,}"
            f" lines imported and projected in {world['seconds']:.0f} s; load {load_average()}"
        )
        services.read_model.refresh_before_reads = False  # as a web worker: a worker projects
        bare50, bare95 = yardstick(services, world, args.runs)
        print(
            f"  the bare library reading one entry: p50 {bare50 * 1000:.1f} ms,"
            f" p95 {bare95 * 1000:.1f} ms"
        )
        rows = measure(services, world, args.runs)
        print(f"  {'role':<15}{'page':<62}{'status':>6}{'p50 ms':>9}{'p95 ms':>9}{'KB':>8}  target")
        for role, path, status, p50, p95, size in rows:
            limit = AS_OF_TARGET if "/audit/ranking?" in path else P95_TARGET
            ok = "ok" if p95 < limit and size < SIZE_TARGET and status == 200 else "MISS"
            print(
                f"  {role:<15}{path[:61]:<62}{status:>6}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}"
                f"{size / 1000:>8.1f}  {ok}"
            )
        misses = sum(
            1
            for _, path, status, _, p95, size in rows
            if status != 200
            or size >= SIZE_TARGET
            or p95 >= (AS_OF_TARGET if "/audit/ranking?" in path else P95_TARGET)
        )
        print(f"  {len(rows) - misses} of {len(rows)} pages within their targets\n")
    finally:
        services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scale", type=float, default=1.0, help="a township's year, x the seed's")
    args = parser.parse_args()
    databases, admin_url = start(args.database)
    for database in databases:
        with database_url(database, admin_url) as url:
            run(database, url, args)


if __name__ == "__main__":
    main()
