"""The installation beyond one process, for real: web processes (``serve --no-projector``) and
projection workers (``project --follow``) apart on one PostgreSQL database, taking entries from
every side at once; graceful stops (SIGTERM) of the web and of a projection worker; the logs as
JSON lines without anything personal in them; settings refused by name."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from tests.integration.test_projection_worker import DUMPS, entry_positions
from tests.integration.test_projection_worker import dump as dump_sqlite
from tests.support import OPERATOR

CLI = str(Path(sys.executable).parent / "township-ledger")
PASSWORD = "correct horse battery"
ATTEMPTS = 1200  # tenths of a second: starting on a loaded machine (a bound, not a timing)
OPERATOR_TOKEN = "deployment-test-operator"  # /readyz tells its position to operators


# -- helpers -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [CLI, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _call(url: str, method: str = "GET", body: Any = None, token: str | None = None) -> tuple:
    """(status, document) of one API call."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _import(site: str, body: bytes, token: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{site}/api/v1/imports",
        data=body,
        method="POST",
        headers={"Content-Type": "application/x-ndjson", "Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def _ready(url: str) -> dict | None:
    try:
        status, doc = _call(f"{url}/readyz", token=OPERATOR_TOKEN)
    except OSError:
        return None
    return doc if status == 200 else None


def _wait(condition, what: str, processes: list[subprocess.Popen]) -> Any:
    for _ in range(ATTEMPTS):
        if found := condition():
            return found
        for process in processes:
            assert process.poll() is None, f"a process ended while waiting for {what}"
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {ATTEMPTS / 10:.0f} s")


@contextmanager
def started(env: dict[str, str], folder: Path, name: str, *args: str) -> Iterator[Any]:
    """A process of the command line, its stdout and stderr in files; SIGKILL at the end if the
    test has not stopped it."""
    out, err = (folder / f"{name}.out").open("w"), (folder / f"{name}.err").open("w")
    process = subprocess.Popen([CLI, *args], env=env, stdout=out, stderr=err, cwd=folder)
    process.out, process.err = folder / f"{name}.out", folder / f"{name}.err"
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        out.close()
        err.close()


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=120)


def json_lines(path: Path) -> list[dict]:
    """Every line of a log that must hold only JSON objects, parsed (a line that is not one
    fails the test)."""
    return [json.loads(text) for text in path.read_text().splitlines() if text.strip()]


def dump(url: str) -> dict[str, list[tuple]]:
    with psycopg.connect(url) as connection:
        return {name: list(connection.execute(sql).fetchall()) for name, sql in DUMPS.items()}


def entry(township: str, entry_id: str) -> dict:
    return {
        "township": township,
        "type": "dispute_registered",
        "id": entry_id,
        "occurred_on": "2024-12-30",
        "source": "screening",
        "category": "土地",
    }


def tenants(url: str, count: int) -> list[tuple[str, str]]:
    """A county with ``count`` townships and a clerk each: [(township, clerk)]."""
    ledger = open_ledger(Settings(two_factor="optional", database_url=url))
    tenancy, made = ledger.tenancy, []
    try:
        tenancy.add_county(OPERATOR, code="deployxian", name="部署县")
        for n in range(count):
            township, clerk = f"deploy{n}", f"deploy-clerk-{n}"
            tenancy.add_township(OPERATOR, county="deployxian", code=township, name=f"部署{n}镇")
            tenancy.add_user(
                OPERATOR, username=clerk, password=PASSWORD, role="clerk", township=township
            )
            made.append((township, clerk))
    finally:
        ledger.close()
    return made


def persisting(call, *args: Any) -> tuple[int, Any]:
    """A script's call: a 409 (another writer to the township got in first) is sent again,
    as the API's documentation tells scripts to."""
    for _ in range(20):
        answer = call(*args)
        if answer[0] != 409:
            return answer
        time.sleep(0.1)
    return answer


# -- several web processes and two projection workers on one PostgreSQL --------------------------

WEB = 2  # web processes, each gunicorn with WORKERS workers
WORKERS = 2
TOWNSHIPS = 4
POSTS = 20  # entries each clerk posts to each web process, one request each
IMPORTED = 40  # lines each clerk imports, in two requests (one to each web process)


@pytest.mark.postgres
def test_web_processes_and_projection_workers_apart_cooperate_on_postgresql(
    make_postgres_database, tmp_path
):
    url = make_postgres_database()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SECRET_KEY": "deployment-test",
        "LEDGER_LOG_FORMAT": "json",
        "LEDGER_OPERATOR_TOKEN": OPERATOR_TOKEN,
    }
    clerks = tenants(url, TOWNSHIPS)
    ports = [_free_port() for _ in range(WEB)]
    sites = [f"http://127.0.0.1:{port}" for port in ports]
    with (
        started(env, tmp_path, "web0", "serve", "--no-projector", "--port", str(ports[0])) as w0,
        started(env, tmp_path, "web1", "serve", "--no-projector", "--port", str(ports[1])) as w1,
        started(env, tmp_path, "p0", "project", "--follow", "--interval", "0.05") as p0,
        started(env, tmp_path, "p1", "project", "--follow", "--interval", "0.05") as p1,
    ):
        everyone = [w0, w1, p0, p1]
        for site in sites:
            _wait(lambda site=site: _ready(site), f"{site}/readyz", everyone)
        projectors = {p0: None, p1: None}

        def roles() -> dict:  # which worker projects and which stands by, from their logs
            for worker in projectors:
                said = [line["message"] for line in json_lines(worker.err)]
                projectors[worker] = said[-1] if said else None
            return sorted(map(str, projectors.values())) == [
                "projecting",
                "standing by: another worker projects",
            ]

        _wait(roles, "one worker projecting and one standing by", everyone)
        leader = next(w for w, said in projectors.items() if said == "projecting")
        standby = p1 if leader is p0 else p0

        tokens = {}
        for n, (township, clerk) in enumerate(clerks):
            status, doc = _call(
                f"{sites[n % WEB]}/api/v1/tokens",
                "POST",
                {"username": clerk, "password": PASSWORD},
            )
            assert status == 201, doc
            tokens[township] = doc["token"]

        answers: list[tuple[int, Any]] = []
        failures: list[BaseException] = []

        def clerk_posting(township: str, site: int) -> None:
            try:
                for k in range(POSTS):
                    answers.append(
                        persisting(
                            _call,
                            f"{sites[site]}/api/v1/entries",
                            "POST",
                            entry(township, f"W{site}-{k:03d}"),
                            tokens[township],
                        )
                    )
                # The same line again, to the other process: a repeat, recorded once.
                answers.append(
                    persisting(
                        _call,
                        f"{sites[1 - site]}/api/v1/entries",
                        "POST",
                        entry(township, f"W{site}-000"),
                        tokens[township],
                    )
                )
                body = "".join(
                    json.dumps(entry(township, f"I{site}-{k:03d}"), ensure_ascii=False) + "\n"
                    for k in range(IMPORTED // WEB)
                ).encode()
                answers.append(persisting(_import, sites[site], body, tokens[township]))
            except BaseException as error:  # reported by the test
                failures.append(error)

        threads = [
            threading.Thread(target=clerk_posting, args=(township, site), daemon=True)
            for township, _ in clerks
            for site in range(WEB)
        ]
        for thread in threads[: len(threads) // 2]:
            thread.start()
        # The leading worker dies (kill -9) while entries come in: the other one takes over.
        time.sleep(0.5)
        leader.kill()
        leader.wait()
        for thread in threads[len(threads) // 2 :]:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        assert not failures, failures
        assert not any(thread.is_alive() for thread in threads)

        ledger = open_ledger(Settings(two_factor="optional", database_url=url))
        try:
            recorded = ledger.read_model.recorded_position()
            _wait(
                lambda: all((_ready(s) or {}).get("position") == recorded for s in sites),
                "the read model reaching the last entry",
                [w0, w1, standby],
            )
            assert [stop(w) for w in (w0, w1, standby)] == [0, 0, 0]  # graceful, all of them
            followed = dump(url)
            positions = entry_positions(ledger)
            ledger.read_model.rebuild()
            rebuilt = dump(url)
        finally:
            ledger.close()

    statuses = sorted(status for status, _ in answers)
    expected_posts = TOWNSHIPS * WEB * POSTS
    assert statuses.count(201) == expected_posts + TOWNSHIPS * WEB  # entries and imports
    assert statuses.count(200) == TOWNSHIPS * WEB  # the repeats
    assert len(statuses) == expected_posts + 2 * TOWNSHIPS * WEB
    imported = [doc for status, doc in answers if "recorded" in (doc or {})]
    assert [doc["recorded"] for doc in imported] == [IMPORTED // WEB] * TOWNSHIPS * WEB

    # Every entry event projected exactly once (no double projection, no gap), in log order,
    # and the model both workers built by turns is the model of a rebuild from zero.
    assert [row[0] for row in followed["facts"]] == positions
    per_township = WEB * POSTS + IMPORTED
    assert len(positions) == TOWNSHIPS * per_township
    assert followed == rebuilt
    assert followed["position"] == [("ledger", recorded)]
    said = [line["message"] for line in json_lines(standby.err)]
    assert said[0] == "standing by: another worker projects" and "projecting" in said

    # The logs: JSON lines; each request's access line with its id, role and tenant; nothing
    # of the clerks' names or password anywhere.
    access = []
    for web in ("web0", "web1"):
        json_lines(tmp_path / f"{web}.err")
        out = (tmp_path / f"{web}.out").read_text().splitlines()
        access += [json.loads(text) for text in out if text.startswith("{")]
    posted = [a for a in access if a.get("route") == "/api/v1/entries"]
    answered = [a for a in posted if a["status"] in (200, 201)]  # a 409 was sent again
    assert len(answered) == expected_posts + TOWNSHIPS * WEB
    assert {a["role"] for a in posted} == {"clerk"}
    assert {a["tenant"] for a in posted} == {township for township, _ in clerks}
    assert len({a["request_id"] for a in posted}) == len(posted)
    assert {"time", "level", "logger", "message", "status", "duration_ms"} <= set(posted[0])
    looked = [a for a in access if a.get("route") == "/readyz"]
    assert looked and all(a["role"] is None and a["status"] == 200 for a in looked), [
        (a["status"], a.get("message"), a.get("time")) for a in looked if a["status"] != 200
    ]
    for log in tmp_path.iterdir():
        text = log.read_text()
        assert PASSWORD not in text and "deploy-clerk" not in text, log.name
        assert "Traceback" not in text, log.name


# -- graceful stops ------------------------------------------------------------------------------


def test_sigterm_to_serve_answers_the_request_in_flight_first(tmp_path):
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
        "LEDGER_SECRET_KEY": "graceful-test",
    }
    [(township, clerk)] = tenants(env["LEDGER_DATABASE_URL"], 1)
    port = _free_port()
    site = f"http://127.0.0.1:{port}"
    lines = 200
    body = "".join(
        json.dumps(entry(township, f"G-{k:04d}"), ensure_ascii=False) + "\n" for k in range(lines)
    ).encode()
    with started(env, tmp_path, "web", "serve", "--port", str(port), "--workers", "1") as web:
        _wait(lambda: _ready(site), "/readyz", [web])
        status, doc = _call(
            f"{site}/api/v1/tokens", "POST", {"username": clerk, "password": PASSWORD}
        )
        assert status == 201, doc
        # A slow client: the import's headers and half its body, then SIGTERM, then the rest.
        with closing(http.client.HTTPConnection("127.0.0.1", port, timeout=120)) as connection:
            connection.putrequest("POST", "/api/v1/imports")
            connection.putheader("Content-Type", "application/x-ndjson")
            connection.putheader("Authorization", f"Bearer {doc['token']}")
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body[: len(body) // 2])
            time.sleep(1.5)  # the worker has taken the request and waits for its body
            web.send_signal(signal.SIGTERM)
            time.sleep(1.5)  # gunicorn is stopping: it has closed its listening socket
            connection.send(body[len(body) // 2 :])
            answer = connection.getresponse()
            answered = answer.status, json.loads(answer.read())
        assert web.wait(timeout=120) == 0

    assert answered == (201, {"recorded": lines, "skipped": 0})
    exported = _cli(env, "export", "--township", township).splitlines()
    assert len(exported) == lines
    log = web.out.read_text() + web.err.read_text()
    assert "Traceback" not in log


def test_a_projection_worker_sent_sigterm_ends_after_its_page(tmp_path):
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    env = {**os.environ, "LEDGER_DATABASE_URL": url, "LEDGER_LOG_FORMAT": "json"}
    [(township, _)] = tenants(url, 1)
    backlog = tmp_path / "backlog.jsonl"
    backlog.write_text(
        "".join(
            json.dumps(entry(township, f"B-{k:05d}"), ensure_ascii=False) + "\n"
            for k in range(3_000)
        )
    )
    _cli(env, "import", str(backlog))
    ledger = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        view = ledger.read_model.storage
        args = ("project", "--follow", "--interval", "0.05", "--page", "25")
        with started(env, tmp_path, "worker", *args) as worker:
            _wait(lambda: view.position() > 0, "the worker's first page", [worker])
            assert stop(worker) == 0
        stopped_at = view.position()
        said = [line["message"] for line in json_lines(worker.err)]
        assert said == ["projecting"]  # and no error on its way out
        # What it stored is whole pages: the next run takes it from there to a rebuild's model.
        _cli(env, "project")
        followed = dump_sqlite(url)
        ledger.read_model.rebuild()
        rebuilt = dump_sqlite(url)
    finally:
        ledger.close()
    assert stopped_at > 0
    assert followed == rebuilt
    assert len(followed["facts"]) == 3_000


# -- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "args"),
    [
        ("LEDGER_LOG_FORMAT", "xml", ("serve",)),
        ("LEDGER_LOG_LEVEL", "loud", ("project",)),
        ("LEDGER_WORKERS", "many", ("serve",)),
        ("LEDGER_GRACEFUL_TIMEOUT", "-1", ("serve",)),
        ("LEDGER_SECRET_KEY", "", ("serve", "--no-projector")),
        ("LEDGER_TIMEZONE", "Mars/Olympus", ("serve",)),
        ("LEDGER_TIMEZONE", "Beijing", ("figures", "--township", "t", "--period", "2024")),
        ("LEDGER_HEADER_TIMEOUT", "0", ("serve",)),
        ("LEDGER_LOG_CLIENT_ADDRESSES", "maybe", ("serve",)),
        ("LEDGER_OPERATOR_TOKEN", "short", ("serve",)),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(tmp_path, variable, value, args):
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
        "LEDGER_SECRET_KEY": "settings-test",
        variable: value,
    }
    done = subprocess.run(
        [CLI, *args, *(("--port", str(_free_port())) if "serve" in args else ())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and variable in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
