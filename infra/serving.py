"""``township-ledger serve``: gunicorn serving ``web.wsgi:make_app()`` in worker processes,
and this process following the log as the projection worker beside them (unless
``--no-projector``: then projection workers run apart, ``township-ledger project --follow``).

Everything the workers share is prepared here before gunicorn starts (the tables, SQLite's
WAL mode, the sign-in failures table); no worker is forked from a process holding a
connection (no ``--preload``).

SIGTERM stops it gracefully: gunicorn is sent SIGTERM and finishes the requests in flight
(``LEDGER_GRACEFUL_TIMEOUT``), the projection worker ends after the page it is storing.
"""

from __future__ import annotations

import ctypes
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from infra.observability import start_logging
from infra.outages import unavailable
from infra.settings import GunicornSettings, Settings, SettingsError
from infra.throttle import open_attempts
from services import Services

APP = "web.wsgi:make_app()"
log = logging.getLogger("ledger.serve")
PR_SET_PDEATHSIG = 1  # Linux's prctl option: a signal to this process when its parent dies


@dataclass(frozen=True)
class Serving:
    """What ``serve`` was asked on its command line; what it leaves out comes from the
    environment (``LEDGER_BIND``, ``LEDGER_WORKERS``: ``infra.settings.GunicornSettings``)."""

    host: str | None = None
    port: int | None = None
    workers: int | None = None
    interval: float = 0.2  # seconds between the projection worker's polls
    projector: bool = True  # False: the projection workers run apart (``project --follow``)

    @property
    def url(self) -> str:
        return f"http://{self.gunicorn().bind}"

    def gunicorn(self, environ: Mapping[str, str] | None = None) -> GunicornSettings:
        configured = GunicornSettings.from_env(environ)
        host, _, port = configured.bind.rpartition(":")
        bind = configured.bind
        if self.host is not None or self.port is not None:
            bind = f"{self.host or host or '127.0.0.1'}:{self.port or port or 8000}"
        return replace(configured, bind=bind, workers=self.workers or configured.workers)


def gunicorn_command(serving: Serving) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", "python:infra.gunicorn_conf", APP]


def worker_env(settings: Settings, serving: Serving) -> dict[str, str]:
    """The workers' environment: the same database and one session key for all of them
    (a fresh one per start when none is configured: sessions then end with the server)."""
    gunicorn = serving.gunicorn()
    return {
        **os.environ,
        "LEDGER_DATABASE_URL": settings.database_url,
        "LEDGER_SECRET_KEY": settings.secret_key or secrets.token_urlsafe(32),
        "LEDGER_BIND": gunicorn.bind,
        "LEDGER_WORKERS": str(gunicorn.workers),
        "LEDGER_TWO_FACTOR": settings.two_factor,
    }


def _death_signal() -> Callable[[], None] | None:
    """What gunicorn's child runs before exec so that it is sent SIGTERM (a graceful stop) if
    ``serve`` is killed without a chance to stop it (Linux; None elsewhere). Looked up here, in
    the parent: between fork and exec the child only calls it, loading nothing."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def serve(
    settings: Settings,
    services: Services,
    serving: Serving,
    echo: Callable[[str], None],
    checked: Callable[[], None] = lambda: None,
) -> int:
    """Run until gunicorn exits, the projection worker fails, or SIGTERM; returns the exit
    status. ``checked`` is called once the settings are found good (before anything starts)."""
    if not serving.projector and not settings.secret_key:
        raise SettingsError(
            "LEDGER_SECRET_KEY must be set with --no-projector: every web process of the"
            " installation must sign sessions with the same key"
        )
    env = worker_env(settings, serving)
    gunicorn = GunicornSettings.from_env(env)  # checked here, before gunicorn reads it
    checked()
    start_logging(settings)
    open_attempts(settings)  # its table, before any worker asks for it
    failure: list[BaseException] = []
    stop = threading.Event()
    process = subprocess.Popen(gunicorn_command(serving), env=env, preexec_fn=_death_signal())
    beside = _beside(services, serving, stop, failure) if serving.projector else []
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # stop gunicorn too, then exit
    echo(f"serving {settings.database_url} at http://{gunicorn.bind}/login (Ctrl-C stops)")
    try:
        while process.poll() is None and not failure and not stop.is_set():
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if process.poll() is None:
            log.info("stopping: finishing the requests in flight")
            process.terminate()  # gunicorn's graceful stop
            try:
                process.wait(timeout=gunicorn.graceful_timeout + 15)
            except subprocess.TimeoutExpired:  # gunicorn itself should have ended them by now
                process.kill()
                process.wait()
        # The projection ends after the page it is storing, the stamping after the request to
        # the TSA in flight, the mailing after the message in flight.
        for thread, most in zip(beside, (60, settings.tsa_timeout + 5, 35), strict=False):
            if thread is not None:  # (no TSA, no mail server: no such job)
                thread.join(timeout=most)
    if failure:
        echo(f"error: the projection worker stopped: {failure[0]}")
        return 1
    if process.returncode in (0, -signal.SIGTERM):
        return 0
    # gunicorn's master ended unasked (killed, or its workers failed to boot); its workers
    # have exited by themselves (each checks its parent every second): serve ends too, not
    # 0, for the service manager to start it again.
    echo(f"error: gunicorn stopped ({_ended(process.returncode)}); serve stops with it")
    return process.returncode


def _beside(
    services: Services, serving: Serving, stop: threading.Event, failure: list[BaseException]
) -> list[threading.Thread | None]:
    """The projection worker, and the jobs that ride beside it (trusted timestamps, e-mail:
    never in a request; None where the installation has no TSA or no mail server), in
    threads of this process; a projection's failure in ``failure``."""

    def follow() -> None:
        try:
            services.read_model.follow(stop, interval=serving.interval, outage=unavailable)
        except BaseException as error:  # reported by serve; a projection never skips an event
            failure.append(error)

    projector = threading.Thread(target=follow, name="ledger-projection", daemon=True)
    projector.start()
    return [projector, services.stamp_in_background(stop), services.mail_in_background(stop)]


def _ended(status: int) -> str:
    if status >= 0:
        return f"exit status {status}"
    try:
        return f"killed by {signal.Signals(-status).name}"
    except ValueError:
        return f"killed by signal {-status}"
