"""The two WSGI apps ``bench/http.py`` serves with gunicorn, on the database named by
``BENCH_DATABASE_URL``:

- ``product()``: the product's app (``web.create_app``) with the REST API;
- ``yardstick()``: the thinnest Flask app that appends one event per POST with the bare
  eventsourcing library and nothing else.
"""

from __future__ import annotations

import os
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from flask import Flask, jsonify, request

from infra.settings import Settings, event_store_env
from infra.wiring import open_ledger
from web import create_app
from web.config import WebConfig


class Thing(Aggregate):
    @event("Created")
    def __init__(self, name: str) -> None:
        self.name = name


class Bare(Application[UUID]):
    name = "bare"


def bare_library_env(url: str) -> dict[str, str]:
    """The database settings with the library's own recorders, not the product's
    (``infra/recorders.py`` and ``infra/postgres_recorder.py`` add ways of writing, statement
    caches, prepared statements)."""
    env = event_store_env(url)
    env.pop("APPLICATION_RECORDER_TOPIC", None)
    return env


def database_url() -> str:
    return os.environ["BENCH_DATABASE_URL"]


def product() -> Flask:
    """The app a ``serve`` worker builds (pages and API), without the projection worker."""
    settings = Settings(database_url=database_url())
    return create_app(
        open_ledger(settings, shared_attempts=True), WebConfig(secret_key="benchmark")
    )


def yardstick() -> Flask:
    app = Flask("yardstick")
    bare = Bare(env={**bare_library_env(database_url()), "CREATE_TABLE": "y"})

    @app.post("/things")
    def things():
        thing = Thing(request.get_json()["name"])
        bare.save(thing)
        return jsonify(id=str(thing.id)), 201

    return app
