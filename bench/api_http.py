"""HTTP append throughput: entries posted through ``POST /api/v1/entries`` vs. the yardstick,
the thinnest Flask app appending one event per POST with the bare eventsourcing library.

In one run, per database (SQLite, PostgreSQL), on the same fresh database: both apps are served
by gunicorn with the same workers (2, gthread, 4 threads each) on loopback, and the same client
(4 threads, each one keep-alive connection) posts to each in alternating rounds. Printed: each
app's requests/s, p50 and p99 latency, 5xx count, the ratio product / yardstick (target ≥ 0.8,
p99 < 100 ms), and the bare library's in-process append rate for information. The product is
posted to twice a round: every client thread to one township (its writes extend one hash
chain), and each client thread to a township of its own.

    python bench/api_http.py [--database sqlite|postgres|both] [--requests N] [--rounds N]

Requests go to 127.0.0.1 only; every loop is bounded in count and time. The exit status is 0
whatever the figures: this is a benchmark, not a test.
"""

from __future__ import annotations

import sys

# This file's folder comes first on the path when it runs, and its name would hide the standard
# library's http package: import that first.
_BENCH = sys.path.pop(0)
import http.client

sys.path.insert(0, _BENCH)

import argparse
import json
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import DEFAULT_ADMIN_URL, database_url, machine, print_machine
from http_apps import Bare, Thing, bare_library_env

from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger

HERE = Path(__file__).resolve().parent
CLIENT_THREADS = 4
WORKERS = 2
THREADS_PER_WORKER = 4
WARM_UP = 100  # requests per app before timing
MAX_SECONDS = 120  # a round stops after this, whatever its count
RATIO_TARGET = 0.8
P99_TARGET_MS = 100.0
PASSWORD = "benchmark-password"


NO_ANSWER = 0  # the status counted for a request that got no answer


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, other: Tally) -> None:
        self.latencies.extend(other.latencies)
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def server_errors(self) -> int:
        """5xx answers, and requests that got no answer at all (a broken connection)."""
        return sum(
            count for status, count in self.statuses.items() if status >= 500 or status == NO_ANSWER
        )


# -- serving -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(factory: str, url: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", f"bench.http_apps:{factory}()",
        "--chdir", str(HERE.parent), "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "gthread",
        "--threads", str(THREADS_PER_WORKER), "--keep-alive", "30", "--log-level", "warning",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_DATABASE_URL": url}
    server = subprocess.Popen(command, env=env, cwd=HERE.parent)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"{factory} did not start")


# -- the client ----------------------------------------------------------------------------

Body = Callable[[int, int], bytes]  # (thread, n) -> request body
Headers = Callable[[int], dict]  # thread -> request headers


def post_many(port: int, path: str, headers: Headers, body: Body, count: int, start: int) -> Tally:
    """``count`` POSTs from each of the client threads, each on one keep-alive connection."""
    tallies = [Tally() for _ in range(CLIENT_THREADS)]
    deadline = time.monotonic() + MAX_SECONDS

    def run(thread: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally = tallies[thread]
        for n in range(start, start + count):
            if time.monotonic() > deadline:
                break
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body(thread, n), headers=headers(thread))
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):  # counted, and a new connection
                status = NO_ANSWER
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            else:
                tally.latencies.append(time.perf_counter() - began)
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in range(CLIENT_THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = Tally(seconds=time.perf_counter() - began)
    for tally in tallies:
        total.add(tally)
    return total


def township_of(thread: int) -> str:
    return f"t{thread:02d}"


def entry_body(township: Callable[[int], str], prefix: str) -> Body:
    def body(thread: int, n: int) -> bytes:
        line = {
            "township": township(thread), "type": "dispute_registered",
            "id": f"{prefix}-{thread}-{n:07d}",
            "occurred_on": "2024-03-05", "source": "screening", "category": "land",
        }  # fmt: skip
        return json.dumps(line).encode()

    return body


def thing_body(thread: int, n: int) -> bytes:
    return json.dumps({"name": f"thing {thread} {n}"}).encode()


# -- one database --------------------------------------------------------------------------


def prepare(url: str) -> list[str]:
    """A county, a township per client thread and a clerk for each; returns their tokens."""
    ledger = open_ledger(Settings(database_url=url))
    try:
        operator = Principal.operator()
        ledger.tenancy.add_county(operator, code="c00", name="bench county")
        tokens = []
        for thread in range(CLIENT_THREADS):
            code, clerk = township_of(thread), f"clerk{thread}"
            ledger.tenancy.add_township(operator, county="c00", code=code, name=f"bench {code}")
            ledger.tenancy.add_user(
                operator, username=clerk, password=PASSWORD, role="clerk", township=code
            )
            tokens.append(ledger.tokens.issue(username=clerk, password=PASSWORD).token)
        return tokens
    finally:
        ledger.close()


def bare_in_process(url: str, count: int) -> float:
    bare = Bare(env={**bare_library_env(url), "CREATE_TABLE": "y"})
    try:
        began = time.perf_counter()
        for n in range(count):
            bare.save(Thing(f"in process {n}"))
        return count / (time.perf_counter() - began)
    finally:
        bare.close()


def api_headers(token: Callable[[int], str]) -> Headers:
    def headers(thread: int) -> dict:
        return {"Authorization": f"Bearer {token(thread)}", "Content-Type": "application/json"}

    return headers


APPS = ("yardstick", "product", "product, a township per thread")


def run_database(database: str, admin_url: str, requests: int, rounds: int) -> dict:
    with database_url(database, admin_url) as url:
        tokens = prepare(url)
        bare_rate = bare_in_process(url, requests)
        product, product_port = serve("product", url)
        yardstick, yardstick_port = serve("yardstick", url)
        try:
            path = "/api/v1/entries"
            first = township_of(0)
            one = api_headers(lambda thread: tokens[0]), entry_body(lambda thread: first, "D")
            own = api_headers(tokens.__getitem__), entry_body(township_of, "E")
            json_only = {"Content-Type": "application/json"}
            targets = {
                "yardstick": (yardstick_port, "/things", lambda thread: json_only, thing_body),
                "product": (product_port, path, *one),
                "product, a township per thread": (product_port, path, *own),
            }
            for target in targets.values():
                post_many(*target, WARM_UP // CLIENT_THREADS, start=0)
            per_round = max(1, requests // rounds // CLIENT_THREADS)
            totals = {name: Tally() for name in APPS}
            for r in range(rounds):
                start = WARM_UP + r * per_round
                for name, target in targets.items():
                    tally = post_many(*target, per_round, start=start)
                    totals[name].add(tally)
                    totals[name].seconds += tally.seconds
        finally:
            for server in (product, yardstick):
                server.terminate()
                server.wait(timeout=30)
    return {"database": database, "bare_in_process": bare_rate, **totals}


def report(result: dict) -> None:
    yardstick = result["yardstick"]
    print(f"== {result['database']}")
    for name in APPS:
        tally = result[name]
        print(
            f"  {name:>30}: {len(tally.latencies):6d} requests  {tally.rate:8.0f} req/s"
            f"  p50 {tally.percentile(0.50):6.1f} ms  p99 {tally.percentile(0.99):6.1f} ms"
            f"  5xx {tally.server_errors}  statuses {dict(sorted(tally.statuses.items()))}"
        )
    for name in APPS[1:]:
        tally = result[name]
        ratio = tally.rate / yardstick.rate if yardstick.rate else 0.0
        p99 = tally.percentile(0.99)
        verdict = "met" if ratio >= RATIO_TARGET and p99 < P99_TARGET_MS else "NOT met"
        print(
            f"  ratio {name} / yardstick: {ratio:.2f} (target ≥ {RATIO_TARGET}, p99 < "
            f"{P99_TARGET_MS:.0f} ms: {verdict}); zero 5xx (or no answer, status 0): "
            f"{'yes' if tally.server_errors + yardstick.server_errors == 0 else 'NO'}"
        )
    print(f"  bare library in process: {result['bare_in_process']:.0f} events/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=8000, help="per app, all rounds")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    admin_url = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_ADMIN_URL)
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    print_machine(machine(databases, admin_url))
    print(
        f"gunicorn: {WORKERS} workers x {THREADS_PER_WORKER} threads (gthread); client: "
        f"{CLIENT_THREADS} threads, keep-alive; {args.requests} requests per app\n"
    )
    for database in databases:
        report(run_database(database, admin_url, args.requests, args.rounds))


if __name__ == "__main__":
    main()
