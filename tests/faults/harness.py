"""What the fault tests share: the product served as in production (gunicorn's workers, a
projection worker in its own process), township clerks posting entries through the API and
sending again whatever got no answer, and the checks made afterwards against the store.

Every server binds a free port on 127.0.0.1; every wait is bounded.
"""

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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger
from services.replay_check import check_read_model
from tests.clusters import free_port

CLI = str(Path(sys.executable).parent / "township-ledger")
PASSWORD = "fault-test-password"
OPERATOR = Principal.operator()
BOOT_SECONDS = 120  # a loaded machine boots gunicorn slowly
REQUEST_TIMEOUT = 20.0  # a request with no answer by then is a hang
# Answers after which the entry is sent again: no answer at all, or the server said it
# could not record it now (503: the database is away; 409: a concurrent change won).
RESEND = (None, 409, 503)


def cycles(reduced: int) -> int:
    """The fault cycles of a run: ``LEDGER_FAULT_CYCLES`` (20 and more: full size), else the
    reduced size CI runs."""
    configured = os.environ.get("LEDGER_FAULT_CYCLES", "")
    return int(configured) if configured.isdigit() and int(configured) > 0 else reduced


# -- the installation ----------------------------------------------------------------------


def prepare(url: str, townships: int) -> dict[str, str]:
    """A county with ``townships`` townships and a clerk each; returns each township's clerk's
    token, by township code."""
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        services.tenancy.add_county(OPERATOR, code="faults", name="故障县")
        tokens = {}
        for n in range(townships):
            code = f"t{n:02d}"
            services.tenancy.add_township(OPERATOR, county="faults", code=code, name=f"{code}镇")
            services.tenancy.add_user(
                OPERATOR, username=f"clerk{n}", password=PASSWORD, role="clerk", township=code
            )
            tokens[code] = services.tokens.issue(username=f"clerk{n}", password=PASSWORD).token
        return tokens
    finally:
        services.close()


def environment(url: str, port: int) -> dict[str, str]:
    return {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SECRET_KEY": "fault-tests",
        "LEDGER_BIND": f"127.0.0.1:{port}",
        "LEDGER_WORKERS": "2",
    }


class Web:
    """gunicorn with the product's settings (``infra.gunicorn_conf``): a master and its
    workers, which the master starts again when one dies."""

    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.log_path = log
        command = [sys.executable, "-m", "gunicorn", "-c", "python:infra.gunicorn_conf"]
        self.process = spawn([*command, "web.wsgi:make_app()"], environment(url, self.port), log)

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def wait_ready(self, workers: int = 2) -> None:
        """Until ``workers`` workers answer /healthz (a worker answers once booted)."""
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn stopped:\n{self.log()}"
            if len(self.workers()) >= workers and get(self.port, "/healthz")[0] == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer in {BOOT_SECONDS} s:\n{self.log()}")

    def kill_workers(self, count: int | None = None) -> int:
        """kill -9 ``count`` workers (None: every one); returns how many were killed."""
        killed = 0
        for pid in self.workers()[:count]:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        return killed

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        stop(self.process, timeout=30)


class Serve:
    """``township-ledger serve`` on a port of its own: this process follows the log as the
    projection worker, gunicorn's master is its child, and the master's children are the
    workers. Started again on the same port and database by ``start``."""

    def __init__(self, url: str, log: Path, port: int | None = None) -> None:
        self.url = url
        self.port = port or free_port()
        self.log_path = log
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        command = [CLI, "serve", "--port", str(self.port)]
        self.process = spawn(command, environment(self.url, self.port), self.log_path)

    def master(self) -> int | None:
        """gunicorn's master: ``serve``'s only child."""
        assert self.process is not None
        found = children(self.process.pid)
        return found[0] if found else None

    def processes(self) -> list[int]:
        """``serve``, gunicorn's master and its workers."""
        assert self.process is not None
        master = self.master()
        return [self.process.pid, *([master, *children(master)] if master else [])]

    def wait_ready(self, workers: int = 2) -> None:
        deadline = time.monotonic() + BOOT_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.log()
            master = self.master()
            booted = master is not None and len(children(master)) >= workers
            if booted and get(self.port, "/healthz")[0] == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"serve did not answer in {BOOT_SECONDS} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def stop(self) -> None:
        stop(self.process, timeout=60)


def spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """``command`` started with ``env``, its output (both streams) added to ``log``."""
    with log.open("ab") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None, *, timeout: float) -> None:
    """SIGTERM, and SIGKILL if it has not ended within ``timeout`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    try:
        return [
            int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ]
    except (OSError, ValueError):
        return []


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by its parent, is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def port_free(port: int) -> bool:
    """Nothing listens on ``port`` (bound as gunicorn binds: ``SO_REUSEADDR``)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class Projector:
    """``township-ledger project --follow``: the projection worker in a process of its own."""

    def __init__(self, url: str, log: Path) -> None:
        self.url = url
        self.log_path = log
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        command = [CLI, "project", "--follow", "--interval", "0.1"]
        env = {**os.environ, "LEDGER_DATABASE_URL": self.url}
        self.process = spawn(command, env, self.log_path)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        stop(self.process, timeout=30)


# -- the clients ---------------------------------------------------------------------------


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int | None, bytes]:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return None, b""


def entry_line(township: str, entry_id: str) -> dict:
    return {
        "township": township,
        "type": "dispute_registered",
        "id": entry_id,
        "occurred_on": "2024-03-05",
        "source": "screening",
        "category": "land",
    }


@dataclass
class Outcome:
    """What the clients saw."""

    sent: set[tuple[str, str]] = field(default_factory=set)  # (township, id), each once
    acknowledged: Counter = field(default_factory=Counter)  # (township, id) -> 2xx answers
    resent: int = 0  # sends after a send that got no acknowledgement
    resent_found_recorded: int = 0  # of those, answered 200: the unanswered send had recorded it
    statuses: Counter = field(default_factory=Counter)  # status (None: no answer) -> count
    refusals: list[str] = field(default_factory=list)  # answers that are neither 2xx nor RESEND
    resend_answers: Counter = field(default_factory=Counter)  # 409/503 bodies seen, by text
    timeouts: int = 0  # requests with no answer in REQUEST_TIMEOUT seconds: hangs
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Clerks:
    """Threads posting ``dispute_registered`` entries, each to its township, one at a time and
    sending again (the same line) what got no answer, until it is acknowledged."""

    def __init__(self, port: int, tokens: dict[str, str], threads: int = 4) -> None:
        self.port = port
        self.tokens = tokens
        self.outcome = Outcome()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)
        ]

    def start(self) -> Clerks:
        for thread in self.threads:
            thread.start()
        return self

    def finish(self, timeout: float = 300.0) -> Outcome:
        """Stop sending new entries; the one in flight per thread is sent until acknowledged."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
            assert not thread.is_alive(), "a client is still waiting for an acknowledgement"
        return self.outcome

    def _run(self, n: int) -> None:
        townships = sorted(self.tokens)
        township = townships[n % len(townships)]
        headers = {
            "Authorization": f"Bearer {self.tokens[township]}",
            "Content-Type": "application/json",
        }
        connection: http.client.HTTPConnection | None = None
        sequence = 0
        while not self.stop.is_set():
            sequence += 1
            key = (township, f"F-{n}-{sequence:06d}")
            body = json.dumps(entry_line(*key)).encode()
            with self.outcome.lock:
                self.outcome.sent.add(key)
            attempt = 0
            while True:
                attempt += 1
                if connection is None:
                    connection = http.client.HTTPConnection(
                        "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT
                    )
                began = time.monotonic()
                status, text = self._post(connection, headers, body)
                took = time.monotonic() - began
                if status is None and took >= REQUEST_TIMEOUT:
                    with self.outcome.lock:
                        self.outcome.timeouts += 1
                if status is None:
                    connection.close()
                    connection = None
                self._note(key, attempt, status, text, took)
                if status in (200, 201) or status not in RESEND:
                    break
                time.sleep(0.05 * min(attempt, 10))
        if connection is not None:
            connection.close()

    @staticmethod
    def _post(connection, headers: dict, body: bytes) -> tuple[int | None, bytes]:
        try:
            connection.request("POST", "/api/v1/entries", body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return None, b""

    def _note(self, key, attempt: int, status: int | None, text: bytes, took: float) -> None:
        outcome = self.outcome
        with outcome.lock:
            outcome.statuses[status] += 1
            outcome.slowest = max(outcome.slowest, took)
            if attempt > 1:
                outcome.resent += 1
                if status == 200:
                    outcome.resent_found_recorded += 1
            if status in (200, 201):
                outcome.acknowledged[key] += 1
            elif status not in RESEND:
                outcome.refusals.append(f"{key}: {status} {text[:300]!r}")
            elif status is not None and _error_document(text):
                outcome.resend_answers[f"{status} {json.loads(text)['error']['message']}"] += 1
            elif status is not None:
                outcome.refusals.append(f"{key}: {status} without the error document {text!r}")


def until_recording_again(clerks: Clerks, timeout: float) -> float:
    """Seconds from now until the clerks' acknowledgements grow by 20 (``timeout`` at most)."""
    began = time.monotonic()
    before = sum(clerks.outcome.acknowledged.values())
    while sum(clerks.outcome.acknowledged.values()) < before + 20:
        if time.monotonic() - began > timeout:
            break
        time.sleep(0.05)
    return time.monotonic() - began


def _error_document(text: bytes) -> bool:
    try:
        error = json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and {"code", "message"} <= error.keys()


# -- the checks ----------------------------------------------------------------------------


@dataclass
class Stored:
    entries: int  # dispute_registered events in the store, all townships
    duplicates: list  # (township, id) stored more than once
    missing: list  # acknowledged, not stored
    unasked: list  # stored, never sent


def stored_entries(url: str, outcome: Outcome) -> Stored:
    """The store's own account of the entries: the townships' exported lines."""
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        counts: Counter = Counter()
        for township in {t for t, _ in outcome.sent}:
            for line in services.interchange.export(OPERATOR, township=township):
                if line["type"] == "dispute_registered":
                    counts[(township, line["id"])] += 1
    finally:
        services.close()
    return Stored(
        entries=sum(counts.values()),
        duplicates=sorted(k for k, c in counts.items() if c > 1),
        missing=sorted(k for k in outcome.acknowledged if counts[k] == 0),
        unasked=sorted(k for k in counts if k not in outcome.sent),
    )


def wait_projected(url: str, timeout: float = 120.0) -> float:
    """Until the read model holds the whole log (the projection worker's doing: nothing is
    projected here); returns the seconds it took."""
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        began = time.monotonic()
        target = services.read_model.recorded_position()
        while services.read_model.position() < target:
            assert time.monotonic() - began < timeout, "the projection worker did not catch up"
            time.sleep(0.05)
        return time.monotonic() - began
    finally:
        services.close()


def read_model_mismatches(url: str, townships: list[str]) -> list:
    """The stored read model against a replay of the whole log in memory (a rebuild)."""
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        _, findings = check_read_model(services.app, services.read_model, townships)
        return findings
    finally:
        services.close()


def assert_ledger_whole(url: str, outcome: Outcome, stored: Stored, townships: list[str]) -> None:
    """After the faults: every entry sent was acknowledged in the end and is stored exactly
    once, nothing else is, the read model equals a rebuild, and the chains verify."""
    assert stored.duplicates == [] and stored.missing == [] and stored.unasked == []
    assert set(outcome.acknowledged) == outcome.sent
    assert read_model_mismatches(url, townships) == []
    assert chains_verified(url) is None


def chains_verified(url: str) -> str | None:
    """None when every township's hash chain and the read model verify; else the finding."""
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        verification = services.verifier.verify(OPERATOR)
        return None if verification.ok else verification.summary()
    finally:
        services.close()
