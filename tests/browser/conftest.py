"""A real server (``township-ledger serve``: gunicorn with the projection worker) on a fresh
SQLite database holding the demo county, and Debian's Chromium driven by Playwright.

Without /usr/bin/chromium these tests skip and say why; under CI=true they must run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CLI = [str(Path(sys.executable).parent / "township-ledger")]
READY_ATTEMPTS = 600  # tenths of a second: the server's start on a loaded machine


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@contextmanager
def demo_server(folder: Path, **environ: str) -> Iterator[str]:
    """A server on a new SQLite database in ``folder`` holding the demo county, with a second
    clerk for 莫合台镇; its base URL while the block runs."""
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{folder}/ledger.sqlite3",
        "LEDGER_SECRET_KEY": "browser-tests",
        "LEDGER_TWO_FACTOR": "optional",  # the demo's; a test about it asks for "required"
        **environ,
    }
    run = {"env": env, "cwd": folder, "check": True, "capture_output": True, "text": True}
    subprocess.run([*CLI, "demo"], **run)
    subprocess.run(
        [*CLI, "user", "add", "clerk2", "--role", "clerk", "--township", "mohetai"],
        input="demo-password\n",
        **run,
    )
    port = _free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [*CLI, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(READY_ATTEMPTS):
            if _ready(url) or process.poll() is not None:
                break
            time.sleep(0.1)
        if not _ready(url):
            pytest.fail(f"the server did not start: {(folder / 'serve.log').read_text()}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()


@pytest.fixture(scope="package")
def served_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="package")
def served_database(served_folder: Path) -> str:
    """The database the server serves (a test may write into it as another process would)."""
    return f"sqlite:///{served_folder}/ledger.sqlite3"


@pytest.fixture(scope="package")
def server(served_folder: Path) -> Iterator[str]:
    """The base URL of a server on the demo county, shared by the package's tests."""
    with demo_server(served_folder) as url:
        yield url


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if _in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def visit(browser, server):
    """A new browser context per user; every request it makes is checked to stay on the
    server (no page fetches anything from outside)."""
    contexts, requested = [], []

    def open_page(width: int = 1100, height: int = 760):
        context = browser.new_context(
            accept_downloads=True, viewport={"width": width, "height": height}, locale="zh-CN"
        )
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    outside = [u for u in requested if not u.startswith(server) and not u.startswith("data:")]
    assert outside == []


def log_in(page, server: str, username: str) -> None:
    """By keyboard only: the user name, Tab, the password, Enter."""
    page.goto(f"{server}/login")
    page.focus("#f-username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type("demo-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if page.url.endswith("/login"):
        pytest.fail(f"{username} could not log in: {page.inner_text('main')}")


def screenshot(page, name: str) -> None:
    """Pictures of the main pages for the README, when LEDGER_SCREENSHOTS names a folder."""
    folder = os.environ.get("LEDGER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
