"""``serve`` for real: gunicorn's workers open a fresh database at once, beside the projection
worker, and answer."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.served import serving
from tests.slow_clients import Site, send_raw

CLI = str(Path(sys.executable).parent / "township-ledger")
ATTEMPTS = 1200  # tenths of a second, for a loaded machine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status
    except OSError:
        return 0


@pytest.mark.postgres
def test_four_workers_open_a_fresh_postgresql_database_at_once(make_postgres_database, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": make_postgres_database(),
        "LEDGER_SECRET_KEY": "serve-test",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--workers", "4"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(ATTEMPTS):
                booted = log_path.read_text().count("Booting worker")
                if booted == 4 and _get(f"http://127.0.0.1:{port}/readyz") == 200:
                    break
                if process.poll() is not None:
                    break
                time.sleep(0.1)
            answers = [_get(f"http://127.0.0.1:{port}/login") for _ in range(12)]
        finally:
            process.terminate()
            process.wait(timeout=60)
    text = log_path.read_text()
    assert text.count("Booting worker") == 4, text
    assert answers == [200] * 12, text
    for trouble in ("Traceback", "Exception in worker", "Worker failed", "error:"):
        assert trouble not in text


# -- the logs name no client ---------------------------------------------------------------

CLIENT = "127.0.0.2"  # the client's own address (the server listens on 127.0.0.1)


@pytest.mark.parametrize(
    ("log_format", "configured"),
    [("text", False), ("json", False), ("text", True), ("json", True)],
)
def test_no_client_address_is_logged_unless_configured(tmp_path, log_format, configured):
    environ = {"LEDGER_LOG_FORMAT": log_format}
    if configured:
        environ["LEDGER_LOG_CLIENT_ADDRESSES"] = "1"
    with serving(tmp_path, **environ) as served:
        client = Site(served.port, source=CLIENT)
        statuses = [
            send_raw(client, request)[0]
            for request in (
                b"NOT AN HTTP REQUEST LINE\r\n\r\n",
                b"GET /healthz HTTP/1.1\r\nHost: ledger\r\nA header without a colon\r\n\r\n",
                b"GET /login HTTP/1.1\r\nHost: ledger\r\n\r\n",
            )
        ]
        assert served.stop() == 0
    log = served.log()
    assert statuses == [400, 400, 200]
    assert "GET /login 200" in log  # the access line is there
    assert (CLIENT in log) is configured, log


# -- the demo's sign-in ----------------------------------------------------------------------


def _token_status(url: str, username: str) -> int:
    body = json.dumps({"username": username, "password": "demo-password"}).encode()
    request = urllib.request.Request(
        f"{url}/api/v1/tokens", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


@pytest.mark.parametrize(("two_factor", "status"), [("", 201), ("required", 403)])
def test_serve_demo_signs_in_with_the_password_alone_unless_told(tmp_path, two_factor, status):
    """``serve --demo`` without LEDGER_TWO_FACTOR lets the demo's auditor in with the password;
    told ``required``, the auditor must enrol first (403 for a token)."""
    with serving(tmp_path, "--demo", LEDGER_TWO_FACTOR=two_factor) as served:
        assert _token_status(served.url, "auditor") == status, served.log()[-3000:]
        assert _token_status(served.url, "clerk") == 201
