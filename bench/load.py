"""Load: township clerks recording and importing, county officers reading rankings and reports,
auditors asking as of a past moment, all at once, against the product as it is served
(gunicorn with ``infra.gunicorn_conf``, the projection worker in its own process), on SQLite and
on PostgreSQL; the yardstick (bench/http_apps.py: the thinnest Flask app appending with the bare
library) measured in the same run, on the same database, with the same gunicorn settings.

Per database, on a fresh database holding ``--townships`` townships' year (imported first):

1. mixed load for ``--seconds``: requests/s, p50/p99 per kind, errors (5xx, no answer), and the
   read model's lag: for every acknowledged entry, the time until /readyz reports its position
   projected (sampled every 50 ms; target p99 < 1 s);
2. recording only, the same recording threads, for a third of ``--seconds``: product vs. yardstick.

The client is threads with one keep-alive connection each (``http.client``), a closed loop with no
pause between requests: it measures what the server sustains, not a day's traffic.

    python bench/load.py [--database sqlite|postgres|both] [--seconds N] [--townships N]
                         [--workers N] [--recorders N] [--importers N] [--officers N]
                         [--auditors N]

Requests go to 127.0.0.1 only; every loop is bounded in time. The exit status is 0 whatever the
figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import sys

# This file's folder comes first on the path when it runs, and bench/http.py would hide the
# standard library's http package: import that first.
_BENCH = sys.path.pop(0)
import http.client

sys.path.insert(0, _BENCH)

import argparse
import bisect
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from common import database_url, start

from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger
from sample.lines import township_lines

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLI = str(Path(sys.executable).parent / "township-ledger")
OPERATOR = Principal.operator()
PASSWORD = "load-password"
YEAR = 2024
PRELOAD_SCALE = 0.2  # a township's year at a fifth of the seed's (about 450 lines)
IMPORT_LINES = 100  # lines a POST /imports
LAG_TARGET_S = 1.0
SAMPLE_EVERY = 0.05  # seconds between /readyz samples
OPERATOR_TOKEN = "load-benchmark-operator"
OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
TIMEOUT = 60.0  # a request with no answer by then counts as an error
BOOT_SECONDS = 120


# -- the installation ------------------------------------------------------------------------


@dataclass
class People:
    clerks: dict[str, str]  # township -> its clerk's token
    officers: dict[str, str]  # county -> its officer's token
    auditors: dict[str, str]  # county -> its auditor's token
    counties: dict[str, list[str]]  # county -> its townships
    before_load: str  # ISO moment after the preload: what auditors ask about


def prepare(url: str, townships: int) -> People:
    services = open_ledger(Settings(database_url=url))
    try:
        counties: dict[str, list[str]] = {"c0": [], "c1": []}
        clerks, officers, auditors = {}, {}, {}
        for county in counties:
            services.tenancy.add_county(OPERATOR, code=county, name=f"{county}县")
        for n in range(townships):
            county, code = f"c{n % 2}", f"t{n:03d}"
            counties[county].append(code)
            services.tenancy.add_township(OPERATOR, county=county, code=code, name=f"{code}镇")
            clerks[code] = _user(services, f"clerk{n}", "clerk", township=code)
            services.interchange.import_lines(
                OPERATOR,
                (json.dumps(line) for line in township_lines(code, YEAR, n, PRELOAD_SCALE)),
            )
        for county in counties:
            officers[county] = _user(services, f"officer-{county}", "county_officer", county=county)
            auditors[county] = _user(services, f"auditor-{county}", "auditor", county=county)
        services.read_model.refresh()
        time.sleep(0.01)
        moment = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return People(clerks, officers, auditors, counties, moment)
    finally:
        services.close()


def _user(services, username: str, role: str, **where: str) -> str:
    services.tenancy.add_user(OPERATOR, username=username, password=PASSWORD, role=role, **where)
    return services.tokens.issue(username=username, password=PASSWORD).token


# -- serving ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn(app: str, url: str, workers: int, probe: str) -> tuple[subprocess.Popen, int]:
    """``app`` served with the product's gunicorn settings (4 threads a worker)."""
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "BENCH_DATABASE_URL": url,
        "LEDGER_SECRET_KEY": "load-benchmark",
        "LEDGER_OPERATOR_TOKEN": OPERATOR_TOKEN,  # /readyz tells its position to operators
        "LEDGER_BIND": f"127.0.0.1:{port}",
        "LEDGER_WORKERS": str(workers),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "python:infra.gunicorn_conf", app]
    server = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"{app} stopped at start")
        try:  # gunicorn listens before its workers have loaded the app: ask one
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            connection.request("GET", probe)
            connection.getresponse().read()
            connection.close()
            return server, port
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"{app} did not start")


def projection_worker(url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [CLI, "project", "--follow", "--interval", "0.1"],
        env={**os.environ, "LEDGER_DATABASE_URL": url},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the client ------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)  # None: no answer

    def add(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        self.statuses.update(other.statuses)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status is None or status >= 500)


# A request: (method, path, headers, body); after it, its answer goes to ``seen`` if given.
Request = tuple[str, str, dict[str, str], bytes | None]


@dataclass
class Client:
    """One thread: its kind of requests, made one after the other until ``until``."""

    kind: str
    make: Callable[[int], Request]
    seen: Callable[[int, bytes, float], None] | None = None
    tally: Tally = field(default_factory=Tally)

    def run(self, port: int, until: float) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        for n in itertools.count():
            if time.monotonic() >= until:
                break
            method, path, headers, body = self.make(n)
            began = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                status, text = response.status, response.read()
            except (OSError, http.client.HTTPException):
                status, text = None, b""
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            self.tally.latencies.append(time.perf_counter() - began)
            self.tally.statuses[status] += 1
            if self.seen is not None and status in (200, 201):
                self.seen(status, text, time.monotonic())
        connection.close()


def run_clients(port: int, clients: list[Client], seconds: float) -> float:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=c.run, args=(port, until)) for c in clients]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def bearer(token: str, content_type: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def dispute(township: str, entry_id: str) -> dict:
    return {
        "township": township, "type": "dispute_registered", "id": entry_id,
        "occurred_on": "2024-06-05", "source": "hotline_12345", "category": "neighbours",
    }  # fmt: skip


class Lag:
    """The read model's lag: acknowledged positions against /readyz's position over time."""

    def __init__(self) -> None:
        self.acks: list[tuple[float, int]] = []  # (when acknowledged, log position)
        self.samples: list[tuple[float, int]] = []  # (when sampled, projected position)
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def acknowledged(self, status: int, text: bytes, when: float) -> None:
        if status == 201:
            with self.lock:
                self.acks.append((when, json.loads(text)["position"]))

    def sample(self, port: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        while not self.stop.is_set():
            try:
                connection.request("GET", "/readyz", headers=OPERATOR)
                body = json.loads(connection.getresponse().read())
                self.samples.append((time.monotonic(), body["position"]))
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
            self.stop.wait(SAMPLE_EVERY)
        connection.close()

    def seconds(self) -> tuple[list[float], int]:
        """Each acknowledged entry's wait until a sample showed it projected; and how many were
        still unprojected at the last sample."""
        times = [t for t, _ in self.samples]
        reached = list(itertools.accumulate((p for _, p in self.samples), max))
        lags, unprojected = [], 0
        for when, position in self.acks:
            first = bisect.bisect_left(times, when)
            at = bisect.bisect_left(reached, position, lo=first)
            if at == len(reached):
                unprojected += 1
            else:
                lags.append(max(0.0, times[at] - when))
        return sorted(lags), unprojected


def mixed_clients(people: People, args, lag: Lag, prefix: str = "") -> list[Client]:
    townships = sorted(people.clerks)
    recording, importing = townships[: args.recorders], townships[args.recorders :]
    clients = []
    for r, township in enumerate(recording):
        token = people.clerks[township]

        def record(n: int, township=township, token=token, r=r) -> Request:
            body = json.dumps(dispute(township, f"{prefix}L-{r}-{n:07d}")).encode()
            return "POST", "/api/v1/entries", bearer(token, "application/json"), body

        clients.append(Client("record", record, lag.acknowledged))
    for i in range(args.importers):
        township = importing[i % len(importing)] if importing else townships[i % len(townships)]
        token = people.clerks[township]

        def import_file(n: int, township=township, token=token, i=i) -> Request:
            ids = (f"{prefix}I-{i}-{n:06d}-{k:03d}" for k in range(IMPORT_LINES))
            lines = (dispute(township, entry_id) for entry_id in ids)
            body = "".join(json.dumps(line) + "\n" for line in lines).encode()
            return "POST", "/api/v1/imports", bearer(token, "application/x-ndjson"), body

        clients.append(Client("import", import_file))
    counties = sorted(people.counties)
    for o in range(args.officers):
        county = counties[o % len(counties)]
        token, own = people.officers[county], people.counties[county]

        def officer(n: int, county=county, token=token, own=own) -> Request:
            if n % 2 == 0:
                return (
                    "GET",
                    f"/api/v1/counties/{county}/ranking?period={YEAR}",
                    bearer(token),
                    None,
                )
            path = f"/api/v1/townships/{own[n % len(own)]}/reports/{YEAR}?format=html"
            return "GET", path, bearer(token), None

        clients.append(Client("ranking+report", officer))
    for a in range(args.auditors):
        county = counties[a % len(counties)]
        token, own = people.auditors[county], people.counties[county]

        def auditor(n: int, county=county, token=token, own=own) -> Request:
            as_of = people.before_load
            if n % 2 == 0:
                path = f"/api/v1/counties/{county}/ranking?period={YEAR}&as_of={as_of}"
            else:
                path = f"/api/v1/townships/{own[n % len(own)]}/figures?period={YEAR}&as_of={as_of}"
            return "GET", path, bearer(token), None

        clients.append(Client("as-of", auditor))
    return clients


def recording_clients(people: People, recorders: int, prefix: str) -> list[Client]:
    clients = []
    for r, township in enumerate(sorted(people.clerks)[:recorders]):
        token = people.clerks[township]

        def record(n: int, township=township, token=token, r=r) -> Request:
            body = json.dumps(dispute(township, f"{prefix}-{r}-{n:07d}")).encode()
            return "POST", "/api/v1/entries", bearer(token, "application/json"), body

        clients.append(Client("record", record))
    return clients


def thing_clients(count: int, prefix: str = "") -> list[Client]:
    def thing(n: int) -> Request:
        body = json.dumps({"name": f"{prefix}thing {n}"}).encode()
        return "POST", "/things", {"Content-Type": "application/json"}, body

    return [Client("yardstick", thing) for _ in range(count)]


# -- one database ----------------------------------------------------------------------------


def by_kind(clients: list[Client]) -> dict[str, Tally]:
    kinds: dict[str, Tally] = {}
    for client in clients:
        kinds.setdefault(client.kind, Tally()).add(client.tally)
    return kinds


def run_database(database: str, admin_url: str, args) -> None:
    with database_url(database, admin_url) as url:
        people = prepare(url, args.townships)
        product, port = gunicorn("web.wsgi:make_app()", url, args.workers, "/healthz")
        projector = projection_worker(url)
        lag = Lag()
        try:  # a warm-up, untimed: every worker booted and its caches filled
            run_clients(port, mixed_clients(people, args, Lag(), "W"), args.warm_up)
            clients = mixed_clients(people, args, lag)
            sampler = threading.Thread(target=lag.sample, args=(port,))
            sampler.start()
            seconds = run_clients(port, clients, args.seconds)
            time.sleep(2.0)  # the last acknowledgements' lag
            lag.stop.set()
            sampler.join()
            record_only = recording_clients(people, args.recorders, "R")
            record_seconds = run_clients(port, record_only, args.seconds / 3)
        finally:
            stop(projector)
            stop(product)
        yardstick, yport = gunicorn("bench.http_apps:yardstick()", url, args.workers, "/")
        try:
            run_clients(yport, thing_clients(args.recorders, "W"), args.warm_up)
            things = thing_clients(args.recorders)
            thing_seconds = run_clients(yport, things, args.seconds / 3)
        finally:
            stop(yardstick)
    print(f"== {database}: {args.townships} townships, {args.workers} gunicorn workers x 4 threads")
    print(f"  mixed load, {seconds:.0f} s, {len(clients)} client threads:")
    total = Tally()
    for kind, tally in by_kind(clients).items():
        total.add(tally)
        print(_line(kind, tally, seconds))
    print(_line("all", total, seconds))
    lags, unprojected = lag.seconds()
    if lags:
        p50, p99 = lags[len(lags) // 2], lags[min(len(lags) - 1, int(0.99 * len(lags)))]
        verdict = "met" if p99 < LAG_TARGET_S and not unprojected else "NOT met"
        print(
            f"  read model's lag after an acknowledged entry: p50 {p50:.2f} s, p99 {p99:.2f} s,"
            f" max {lags[-1]:.2f} s over {len(lags)} entries; {unprojected} unprojected at the"
            f" end (target p99 < {LAG_TARGET_S:.0f} s: {verdict})"
        )
    product_tally = by_kind(record_only)["record"]
    thing_tally = by_kind(things)["yardstick"]
    print(f"  recording only, {args.recorders} client threads:")
    print(_line("product", product_tally, record_seconds))
    print(_line("yardstick", thing_tally, thing_seconds))
    rate = len(product_tally.latencies) / record_seconds
    bare = len(thing_tally.latencies) / thing_seconds
    print(f"  product / yardstick: {rate / bare:.2f}\n" if bare else "")


def _line(kind: str, tally: Tally, seconds: float) -> str:
    statuses = dict(sorted(tally.statuses.items(), key=lambda item: (item[0] is None, item[0])))
    return (
        f"    {kind:>15}: {len(tally.latencies):7d} requests {len(tally.latencies) / seconds:8.1f}"
        f" req/s  p50 {tally.percentile(0.50):7.1f} ms  p99 {tally.percentile(0.99):7.1f} ms"
        f"  errors {tally.errors}  statuses {statuses}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warm-up", type=float, default=10.0, help="seconds, untimed")
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--recorders", type=int, default=8, help="clerks recording, one each")
    parser.add_argument("--importers", type=int, default=2, help="clerks importing files")
    parser.add_argument("--officers", type=int, default=2, help="rankings and reports")
    parser.add_argument("--auditors", type=int, default=2, help="figures and rankings as of")
    args = parser.parse_args()
    args.recorders = min(args.recorders, args.townships)
    databases, admin_url = start(args.database)
    print(
        f"client: {args.recorders} recording, {args.importers} importing ({IMPORT_LINES} lines"
        f" a file), {args.officers} officers, {args.auditors} auditors; closed loop, keep-alive\n"
    )
    for database in databases:
        run_database(database, admin_url, args)


if __name__ == "__main__":
    main()
