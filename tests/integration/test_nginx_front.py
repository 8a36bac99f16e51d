"""The documented production front for real: deploy/nginx.conf (docs/deployment.md) rendered as
the docs say, run by Debian's nginx as a child process of the test (its prefix, pid, logs and
temporary files in the test's folder; free ports; TLS with a certificate the test makes with
openssl) in front of a real ``township-ledger serve``: a page and the API through it, the slow
clients' attack held by nginx (``serve`` sees none of their requests) while ``/healthz`` answers
within a second, and what nginx refuses itself answered with the error document.

Without nginx or openssl these tests skip and say why; under CI=true they fail."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from services.uploads import LARGEST_BODY_BYTES, MIB, TOO_LARGE
from tests.conftest import missing
from tests.served import Served, free_port, serving
from tests.slow_clients import ONE_SECOND, Site, closed_by_server, healthz, send_raw, slow_clients
from tests.support import OPERATOR, PASSWORD

TEMPLATE = Path(__file__).parents[2] / "deploy" / "nginx.conf"
PLACEHOLDER = re.compile(r"\$\{(LEDGER_[A-Z_]+)\}")
CLIENT = "127.0.0.2"  # the clients' own address; nginx and serve are on 127.0.0.1
BOOT_SECONDS = 60


def render(values: dict[str, str]) -> str:
    """deploy/nginx.conf with the installation's values, as envsubst given the list renders it
    (nginx's own $variables untouched); every placeholder must have a value."""
    text = TEMPLATE.read_text()
    assert set(PLACEHOLDER.findall(text)) == set(values), "the template's placeholders changed"
    return PLACEHOLDER.sub(lambda match: values[match[1]], text)


def main_conf(folder: Path, site_conf: Path) -> str:
    """The main nginx.conf a Debian host would have, with everything in ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers reach the test's folder
    temp = "".join(
        f"    {kind}_temp_path {folder / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} info;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n{temp}    include {site_conf};\n}}\n"
    )


@dataclass
class Front:
    served: Served
    https: int
    http: int
    folder: Path
    ca: str
    token: str
    township: str

    def site(self, source: str = "127.0.0.1") -> Site:
        return Site(self.https, tls=self.ca, source=source)


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Iterator[Front]:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None or shutil.which("openssl") is None:
        missing("no nginx or openssl here (Debian: apt-get install nginx-light openssl)")
    folder = tmp_path_factory.mktemp("front")
    township, token = _county(f"sqlite:///{folder}/ledger.sqlite3")
    cert, key = _certificate(folder)
    environ = {
        "LEDGER_TRUSTED_PROXIES": "1",
        "LEDGER_LOG_CLIENT_ADDRESSES": "1",
        "LEDGER_SECURE_COOKIES": "1",
    }
    with serving(folder, **environ) as served:
        https, http = free_port(), free_port()
        site_conf = folder / "township-ledger.conf"
        site_conf.write_text(
            render(
                {
                    "LEDGER_SERVER_NAME": "localhost",
                    "LEDGER_HTTP_PORT": str(http),
                    "LEDGER_HTTPS_PORT": str(https),
                    "LEDGER_UPSTREAM": f"127.0.0.1:{served.port}",
                    "LEDGER_TLS_CERTIFICATE": str(cert),
                    "LEDGER_TLS_KEY": str(key),
                    "LEDGER_ACCESS_LOG": str(folder / "access.log"),
                }
            )
        )
        (folder / "nginx.conf").write_text(main_conf(folder, site_conf))
        command = [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        command += ["-e", str(folder / "error.log"), "-g", "daemon off;"]
        with (folder / "nginx.out").open("w") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
            made = Front(served, https, http, folder, str(cert), token, township)
            try:
                _wait_answering(made, process)
                yield made
            finally:
                process.terminate()
                process.wait(timeout=60)


def test_a_page_and_the_api_answer_through_the_front(front):
    site = front.site()
    connection = site.connection(timeout=30)
    try:
        connection.request("GET", "/login")
        page = connection.getresponse()
        text = page.read().decode()
    finally:
        connection.close()
    assert page.status == 200 and "登录" in text
    assert "max-age" in page.headers["Strict-Transport-Security"]  # LEDGER_SECURE_COOKIES=1
    entries = _api(site, f"/api/v1/townships/{front.township}/entries", front.token)
    assert entries[0] == 200 and entries[1]["items"] == []
    redirected = send_raw(Site(front.http), b"GET /login HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert redirected[0] == 301


def test_slow_clients_are_held_by_the_front_and_healthz_answers(front):
    site = front.site()
    upstream = front.served.port
    with slow_clients(site, idle=10, logins=10) as first:
        answers = [healthz(site, ONE_SECOND) for _ in range(5)]
        with slow_clients(site, idle=60, logins=30) as more:
            more_answers = [healthz(site, ONE_SECOND) for _ in range(5)]
            waiting = first.open() + more.open()
            reaching_serve = _connections_to(upstream)
        # nginx's own timeouts close them: headers 10 s, a body's pause 30 s (its defaults, 60 s,
        # would not have by then).
        closed = [closed_by_server(s, within=50) for s in first.sockets]
    assert answers == [200] * 5 and more_answers == [200] * 5
    assert waiting == 110  # every slow client still connected, to nginx, meanwhile
    assert reaching_serve < 10  # nginx sent none of the 40 half-sent sign-ins on
    assert closed == [True] * 20


def test_what_the_front_refuses_itself_is_the_error_document(front):
    conf = TEMPLATE.read_text()
    assert f"client_max_body_size {LARGEST_BODY_BYTES // MIB}m;" in conf  # services/uploads.py
    head = b"POST /api/v1/imports HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n"
    too_large = send_raw(front.site(), head % (LARGEST_BODY_BYTES + 1))
    assert too_large[0] == 413
    assert json.loads(too_large[1])["error"] == {
        "code": "too_large",
        "message": TOO_LARGE,
        "field": None,
        "line": None,
    }
    malformed = send_raw(
        front.site(), b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nNo colon\r\n\r\n"
    )
    assert malformed[0] == 400
    assert json.loads(malformed[1])["error"]["code"] == "bad_request"


def test_the_app_knows_the_client_through_the_front_and_nginx_logs_no_address(front):
    assert healthz(front.site(source=CLIENT), timeout=30) == 200
    for _ in range(100):  # the access line is written once the answer is sent
        lines = front.served.log().splitlines()
        if any(CLIENT in line for line in lines if "/healthz 200" in line):
            break
        time.sleep(0.1)
    assert any(CLIENT in line for line in lines if "/healthz 200" in line)  # X-Forwarded-For
    assert CLIENT not in (front.folder / "access.log").read_text()


# -- helpers -------------------------------------------------------------------------------


def _county(url: str) -> tuple[str, str]:
    """A township with a clerk in a fresh ledger; the township's code and the clerk's token."""
    ledger = open_ledger(Settings(two_factor="optional", database_url=url))
    try:
        ledger.tenancy.add_county(OPERATOR, code="frontxian", name="前端县")
        ledger.tenancy.add_township(OPERATOR, county="frontxian", code="front1", name="前端镇")
        ledger.tenancy.add_user(
            OPERATOR, username="front-clerk", password=PASSWORD, role="clerk", township="front1"
        )
        return "front1", ledger.tokens.issue(username="front-clerk", password=PASSWORD).token
    finally:
        ledger.close()


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _wait_answering(front: Front, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = (front.folder / "nginx.out").read_text()
            raise AssertionError(f"nginx stopped ({process.returncode}):\n{out}")
        if healthz(front.site(), timeout=5) == 200:
            return
        time.sleep(0.1)
    raise AssertionError(f"nginx did not answer in {BOOT_SECONDS} s")


def _api(site: Site, path: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"https://127.0.0.1:{site.port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30, context=site.context()) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _connections_to(port: int) -> int:
    """Established TCP connections to ``port`` on this machine (Linux's /proc/net/tcp)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                count += 1
    return count
