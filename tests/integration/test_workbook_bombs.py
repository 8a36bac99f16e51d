"""Workbook bombs against ``serve`` for real (gunicorn, one worker): a row bomb and a
shared-strings bomb, several at once through the import page and the API, are refused (4xx,
naming the row), ``/healthz`` answers all the while, and the worker's memory stays within
100 MB of what it was. Not a timed test: the times are printed (``-s``) to be reported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.integration.test_serve import ATTEMPTS, _free_port, _get
from tests.support import PASSWORD
from tests.xlsx_parts import row_bomb, strings_bomb
from web.workbooks import XLSX

CLI = str(Path(sys.executable).parent / "township-ledger")
ROUNDS = 4  # of each bomb, through each way in, all at once
MB = 2**20


def _cli(env: dict, *args: str, password: str | None = None) -> None:
    subprocess.run([CLI, *args], env=env, input=password, text=True, check=True)


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


def _worker_rss(serve: int) -> int:
    """The resident memory of the gunicorn worker (the one process that runs the app)."""
    for pid in _descendants(serve):
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        status = Path(f"/proc/{pid}/status").read_text()
        if b"gunicorn" in command and int(re.search(r"PPid:\s+(\d+)", status)[1]) != serve:
            return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) * 1024
    raise AssertionError("no gunicorn worker")


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/ledger.sqlite3",
        "LEDGER_SECRET_KEY": "bombs",
    }
    _cli(env, "init")
    _cli(env, "county", "add", "c", "测试县")
    _cli(env, "township", "add", "--county", "c", "t", "测试镇")
    _cli(env, "user", "add", "clerk", "--role", "clerk", "--township", "t", password=PASSWORD)
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [CLI, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(ATTEMPTS):
            if _get(f"{base}/readyz") == 200 or process.poll() is not None:
                break
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


def _page_session(base: str) -> tuple[requests.Session, str]:
    """A clerk signed in on the pages, and the import form's CSRF token."""
    page = requests.Session()
    form = page.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)[1]
    signed = page.post(
        f"{base}/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
    )
    assert signed.status_code == 302, signed.text
    form = page.get(f"{base}/township/import").text
    return page, re.search(r'name="csrf_token" value="([^"]+)"', form)[1]


def test_bombs_are_refused_while_healthz_answers_and_memory_stays(served):
    base, serve = served
    token = requests.post(
        f"{base}/api/v1/tokens", json={"username": "clerk", "password": PASSWORD}
    ).json()["token"]
    page, csrf = _page_session(base)
    bombs = {"rows": row_bomb(), "strings": strings_bomb()}
    answers: list[tuple[str, str, int, float, str]] = []

    def api(name: str) -> None:
        started = time.perf_counter()
        answer = requests.post(
            f"{base}/api/v1/imports",
            data=bombs[name],
            headers={"Authorization": f"Bearer {token}", "Content-Type": XLSX},
            timeout=120,
        )
        answers.append(
            ("api", name, answer.status_code, time.perf_counter() - started, answer.text)
        )

    def form(name: str) -> None:
        started = time.perf_counter()
        answer = page.post(
            f"{base}/township/import",
            data={"csrf_token": csrf},
            files={"file": ("entries.xlsx", bombs[name], XLSX)},
            timeout=120,
        )
        answers.append(
            ("page", name, answer.status_code, time.perf_counter() - started, answer.text)
        )

    assert _get(f"{base}/healthz") == 200
    before = _worker_rss(serve)
    threads = [
        threading.Thread(target=way, args=(name,))
        for _ in range(ROUNDS)
        for name in bombs
        for way in (api, form)
    ]
    health: list[tuple[int, float]] = []
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        started = time.perf_counter()
        health.append((_get(f"{base}/healthz"), time.perf_counter() - started))
    for thread in threads:
        thread.join()
    after = _worker_rss(serve)

    print(f"\nworker RSS {before / MB:.1f} MB before, {after / MB:.1f} MB after")
    print(f"/healthz: {len(health)} answers, slowest {max(t for _, t in health):.3f} s")
    for way, name, status, took, _text in sorted(answers):
        print(f"{way:4} {name:7} {status} in {took:.3f} s")
    assert len(answers) == 4 * ROUNDS
    assert all(status == 200 for status, _ in health)
    for way, name, status, _took, text in answers:
        assert status == (422 if way == "api" else 400), text
        if name == "rows":
            assert ("row 30000000" if way == "api" else "第 30000000 行") in text
    assert after - before < 100 * MB
