"""The isolation fuzz for a short run through real HTTP: ``township-ledger serve`` (gunicorn,
two workers, the projection worker beside them) on SQLite, its pages with their CSRF tokens
and cookies, the API with tokens; the same requests and oracle as tests/fuzz/test_isolation.py.

Meanwhile slow clients (tests/slow_clients.py, ``Trickling``), more than the server's threads,
trickle random requests a few bytes at a time: every request of the fuzz must still be
answered.

``LEDGER_FUZZ_HTTP_REQUESTS`` sets the number of requests (300 by default and in CI)."""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from infra.settings import Settings
from infra.wiring import open_ledger
from tests.fuzz import oracle
from tests.fuzz.conftest import fuzz_seed, fuzz_size
from tests.fuzz.traffic import Request
from tests.fuzz.world import User, World, build_world
from tests.slow_clients import Site, Trickling
from tests.support import PASSWORD, unique

CLI = str(Path(sys.executable).parent / "township-ledger")
SLOW_CLIENTS = 12  # connections trickling random requests while the fuzz runs
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Answer:
    """requests' answer as the oracle reads Flask's test client's."""

    def __init__(self, answer: requests.Response) -> None:
        self.status_code = answer.status_code
        self._data = answer.content

    def get_data(self) -> bytes:
        return self._data


class Http:
    """Each user's page session (cookie, CSRF token) and API token on a real server; every
    user comes from an address of their own (the server trusts one proxy), so that sign-in
    throttling counts each apart."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pages: dict[str, requests.Session] = {}
        self.csrf: dict[str, str] = {}
        self.tokens: dict[str, str] = {}
        self.addresses: dict[str, str] = {}

    def sign_in(self, user: User) -> None:
        address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(256)}"
        self.addresses[user.name] = address
        page = self.pages[user.name] = requests.Session()
        page.headers["X-Forwarded-For"] = address
        login = page.get(f"{self.base}/login", timeout=30)
        self.csrf[user.name] = CSRF.search(login.text).group(1)
        self.tokens[user.name] = ""
        if user.role == "anonymous":
            return
        form = {"username": user.name, "password": PASSWORD, "csrf_token": self.csrf[user.name]}
        signed = page.post(f"{self.base}/login", data=form, allow_redirects=False, timeout=30)
        assert signed.status_code == 302, signed.text
        self.csrf[user.name] = CSRF.search(page.get(f"{self.base}/password", timeout=30).text)[1]
        issued = requests.post(
            f"{self.base}/api/v1/tokens",
            json={"username": user.name, "password": PASSWORD},
            headers={"X-Forwarded-For": address},
            timeout=30,
        )
        # Past domain.token.MOST_ISSUED an hour, the user goes on without a token (401s).
        assert issued.status_code in (201, 429), issued.text
        self.tokens[user.name] = issued.json()["token"] if issued.status_code == 201 else ""

    def send(self, request: Request) -> Answer:
        user = request.user
        headers = {**request.headers, "X-Forwarded-For": self.addresses[user.name]}
        kwargs: dict = {"headers": headers, "allow_redirects": False, "timeout": 60}
        form = request.form
        if not request.api and request.method != "GET":
            form = {**(form or {}), "csrf_token": self.csrf[user.name]}
        if request.upload:
            kwargs["files"] = {"file": (request.upload[1], request.upload[0])}
            kwargs["data"] = form
        elif form is not None:
            kwargs["data"] = form
        elif request.json_body is not None:
            kwargs["json"] = request.json_body
        elif request.data is not None:
            kwargs["data"] = request.data
            headers["Content-Type"] = request.content_type or ""
        url = f"{self.base}{request.path}"
        if request.api:
            if self.tokens[user.name]:
                headers["Authorization"] = f"Bearer {self.tokens[user.name]}"
            return Answer(requests.request(request.method, url, **kwargs))
        return Answer(self.pages[user.name].request(request.method, url, **kwargs))


@pytest.fixture
def served(tmp_path) -> Iterator[tuple[World, Http]]:
    url = f"sqlite:///{tmp_path}/fuzz.sqlite3"
    ledger = open_ledger(Settings(two_factor="optional", database_url=url))
    world = build_world(ledger)
    port = free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": url,
        "LEDGER_SECRET_KEY": unique("secret"),
        "LEDGER_TRUSTED_PROXIES": "1",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            http = Http(f"http://127.0.0.1:{port}")
            for _ in range(1200):  # tenths of a second, for a loaded machine
                try:
                    if requests.get(f"{http.base}/readyz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:  # booting, or a timeout meanwhile
                    pass
                assert process.poll() is None, log_path.read_text()
                time.sleep(0.1)
            for user in world.users:
                http.sign_in(user)
            yield world, http
        finally:
            process.terminate()
            process.wait(timeout=60)
            ledger.close()
    text = log_path.read_text()
    for trouble in ("Traceback", "Exception in worker", "Worker failed"):
        assert trouble not in text, text[-3000:]


def test_no_answer_over_http_reveals_or_changes_another_tenants_data(served, monkeypatch):
    world, http = served
    seed = fuzz_seed(3)
    count = fuzz_size("LEDGER_FUZZ_HTTP_REQUESTS", 300)
    monkeypatch.setattr(Request, "send", lambda request: http.send(request))
    monkeypatch.setattr(oracle, "sign_in", lambda app, user, **_: http.sign_in(user))
    before, start = world.entry_events(), world.position()

    # Slow clients the whole time, more than the server's 8 threads: the traffic is answered.
    with Trickling(Site(int(http.base.rsplit(":", 1)[1])), SLOW_CLIENTS, seed) as slow:
        tally = oracle.run(world, seed, count)
    wrong = oracle.check_writes(world, before, start, tally)

    summary = (
        f"seed={seed} requests={tally.requests} replays={tally.replays} "
        f"by role {dict(tally.by_role)} statuses {dict(sorted(tally.by_status.items()))}; "
        f"slow clients: {slow.connections} connections, {slow.sent} bytes trickled"
    )
    print(summary)
    problems = tally.violations + wrong
    assert not problems, f"{summary}\n{len(problems)} violation(s):\n" + "\n".join(problems[:20])
    assert tally.by_status[200] > count // 10, summary  # not every request refused
    assert slow.connections >= SLOW_CLIENTS and slow.sent > SLOW_CLIENTS, summary
