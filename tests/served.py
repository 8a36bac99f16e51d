"""``township-ledger serve`` as a process of its own, for the tests that need a real server:
started on a free port of 127.0.0.1 on a SQLite database of the test's own, its output in a
file, SIGTERM (a graceful stop) at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.slow_clients import Site, healthz

CLI = str(Path(sys.executable).parent / "township-ledger")
BOOT_SECONDS = 120  # a loaded machine starts gunicorn slowly (a bound, not a timing)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    process: subprocess.Popen
    port: int
    log_path: Path
    env: dict[str, str]

    @property
    def site(self) -> Site:
        return Site(self.port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=120)


@contextmanager
def serving(folder: Path, *args: str, **environ: str) -> Iterator[Served]:
    """``serve`` with ``args`` and the ``environ`` variables, once /healthz answers."""
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{folder}/ledger.sqlite3",
        "LEDGER_SECRET_KEY": "served-test-key",
        **environ,
    }
    port = free_port()
    log_path = folder / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), *args],
            env=env,
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        served = Served(process, port, log_path, env)
        try:
            _wait_healthy(served)
            yield served
        finally:
            if process.poll() is None:
                served.stop()


def _wait_healthy(served: Served) -> None:
    deadline = time.monotonic() + BOOT_SECONDS
    while time.monotonic() < deadline:
        assert served.process.poll() is None, served.log()[-3000:]
        if healthz(served.site, timeout=5) == 200:
            return
        time.sleep(0.1)
    raise AssertionError(f"serve did not answer in {BOOT_SECONDS} s:\n{served.log()[-3000:]}")
