"""The web app as gunicorn builds it in each worker, after the fork (``web.wsgi:make_app()``):
settings from the environment, the logs and Sentry before Flask, the ledger opened in the
worker itself."""

from __future__ import annotations

import gc

from flask import Flask

from infra.observability import start_logging, start_sentry
from infra.outages import patiently
from infra.settings import Settings
from infra.wiring import open_ledger
from web import create_app
from web.config import WebConfig


def make_app() -> Flask:
    settings = Settings.from_env()
    if not settings.secret_key:
        raise SystemExit("LEDGER_SECRET_KEY must be set: every worker signs sessions with it")
    start_logging(settings)
    start_sentry(settings)
    services = patiently(lambda: open_ledger(settings, shared_attempts=True, web=True))
    # The projection worker beside the web workers keeps the read model current; a page
    # waits only for the user's own writes.
    services.read_model.refresh_before_reads = False
    config = WebConfig(
        secret_key=settings.secret_key,
        secure_cookies=settings.secure_cookies,
        trusted_proxies=settings.trusted_proxies,
        operator_token=settings.operator_token,
    )
    app = create_app(services, config)
    settle()
    return app


def settle() -> None:
    """What a worker built to start (modules, the app, its templates and translations: some
    140,000 objects) lives as long as the worker: moved out of the garbage collector's way, so
    that its full collections stop walking it again during pages (pauses of 100 ms, one page
    in a few at a county's full history: docs/performance.md "Pages")."""
    gc.collect()
    gc.freeze()
