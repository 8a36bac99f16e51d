"""The REST API, ``/api/v1``: flask-smorest blueprints over the same services as the pages
and the command line, described by the OpenAPI document at ``/api/v1/openapi.json``.

No API explorer page is offered (flask-smorest's would load its assets from a CDN).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Flask, Request, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from domain.errors import LedgerError
from services import Services
from services.uploads import IMPORT_BODY_BYTES
from web.api import (
    administration,
    audit,
    calendar,
    entries,
    evidence,
    publications,
    reading,
    tokens,
)
from web.api.auth import refuse_mixed_credentials
from web.api.errors import http_error, ledger_error, shape_error
from web.api.schemas import LINE_SCHEMAS, ErrorDocument

PREFIX = "/api/v1"
BLUEPRINTS = (
    tokens.blp,
    entries.blp,
    evidence.blp,
    reading.blp,
    audit.blp,
    publications.blp,
    calendar.blp,
    administration.blp,
)


def under_api(path: str) -> bool:
    return path.startswith(PREFIX + "/") or path == PREFIX


class PagesSessions(SecureCookieSessionInterface):
    """The pages' sessions; a request to the API opens none (an empty one that cannot be
    written): a token is its only credential, so no cookie is read and no signed-in user is
    looked up for it."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if under_api(request.path):
            return None  # Flask makes it a null session
        return super().open_session(app, request)


class LedgerApi(Api):
    ERROR_SCHEMA = ErrorDocument
    pages_handler: Callable[[HTTPException], Any] | None = None

    def handle_http_exception(self, error: HTTPException):
        """Flask's own errors (an unknown address, a method not allowed, a body too large):
        the error document under ``/api/``; elsewhere the pages' handler answers."""
        if under_api(request.path):
            return http_error(error)
        return self.pages_handler(error) if self.pages_handler else error


def allow_imports() -> None:
    """An import may be larger than what the pages accept."""
    request.max_content_length = IMPORT_BODY_BYTES


for _blueprint in BLUEPRINTS:
    _blueprint.before_request(allow_imports)
    _blueprint.before_request(refuse_mixed_credentials)
    _blueprint.register_error_handler(LedgerError, ledger_error)
    _blueprint.register_error_handler(ma.ValidationError, shape_error)


def register_api(app: Flask, services: Services) -> Api:
    """Mount the API on ``app``, answering from ``services`` (after the pages' error
    handlers: Flask's errors outside ``/api/`` still go to them)."""
    app.extensions["ledger"] = services
    app.session_interface = PagesSessions()
    pages_handler = app.error_handler_spec[None][None].get(HTTPException)
    app.config.update(
        API_TITLE="Township ledger",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = LedgerApi(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    for name, schema in LINE_SCHEMAS.items():
        api.spec.components.schema(schema.__name__, schema=schema, description=name)
    api.pages_handler = pages_handler
    csrf = app.extensions.get("csrf")  # the pages' forms; the API takes no cookie
    for blueprint in BLUEPRINTS:
        if csrf is not None:
            csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    return api
