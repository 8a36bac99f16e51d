"""``township-ledger serve``: gunicorn serving ``web.wsgi:make_app()`` in worker processes,
and this process following the log as the projection worker beside them.

Everything the workers share is prepared here before gunicorn starts (the tables, SQLite's
WAL mode, the sign-in failures table); no worker is forked from a process holding a
connection (no ``--preload``).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from infra.settings import Settings
from infra.throttle import open_attempts
from services import Services

APP = "web.wsgi:make_app()"


@dataclass(frozen=True)
class Serving:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    interval: float = 0.2  # seconds between the projection worker's polls

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def gunicorn_command(serving: Serving) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "python:infra.gunicorn_conf", APP]


def worker_env(settings: Settings, serving: Serving) -> dict[str, str]:
    """The workers' environment: the same database and one session key for all of them
    (a fresh one per start when none is configured: sessions then end with the server)."""
    return {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_SECRET_KEY": settings.secret_key or secrets.token_urlsafe(32),
        "LEDGER_BIND": f"{serving.host}:{serving.port}",
        "LEDGER_WORKERS": str(serving.workers),
    }


def serve(
    settings: Settings, services: Services, serving: Serving, echo: Callable[[str], None]
) -> int:
    """Run until gunicorn exits or the projection worker fails; returns the exit status."""
    open_attempts(settings)  # its table, before any worker asks for it
    services.read_model.refresh()
    failure: list[BaseException] = []
    stop = threading.Event()

    def follow() -> None:
        try:
            services.read_model.follow(stop, interval=serving.interval)
        except BaseException as error:  # reported below; a projection never skips an event
            failure.append(error)

    threading.Thread(target=follow, name="ledger-projection", daemon=True).start()
    process = subprocess.Popen(gunicorn_command(serving), env=worker_env(settings, serving))
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # stop gunicorn too, then exit
    echo(f"serving {settings.database_url} at {serving.url}/login (Ctrl-C stops)")
    try:
        while process.poll() is None and not failure and not stop.is_set():
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    if failure:
        echo(f"error: the projection worker stopped: {failure[0]}")
        return 1
    return 0 if process.returncode in (0, -signal.SIGTERM) else process.returncode
