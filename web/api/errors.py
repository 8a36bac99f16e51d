"""One place that turns every refusal into the API's error document and status:
``{"error": {"code", "message", "field", "line"}}``.

The ledger's own errors (from the services), the shape errors of the schemas (webargs), and
Flask's (an unknown route, a method not allowed, a body past the size limit) all come here; a
view never catches anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask import Response, g, jsonify
from werkzeug.exceptions import HTTPException

from domain.errors import (
    AlreadyExists,
    Conflict,
    EnrolmentRequired,
    Forbidden,
    InvalidField,
    LedgerError,
    NotFound,
    RuleBroken,
    Throttled,
    Unauthenticated,
)
from services.interchange import ImportRejected
from services.uploads import TOO_LARGE

# Most specific first.
STATUSES: tuple[tuple[type[LedgerError], int, str], ...] = (
    (Unauthenticated, 401, "unauthenticated"),
    (Throttled, 429, "throttled"),
    (NotFound, 404, "not_found"),
    (EnrolmentRequired, 403, "two_factor_enrolment_required"),
    (Forbidden, 403, "forbidden"),
    (Conflict, 409, "conflict"),
    (AlreadyExists, 409, "already_exists"),
    (ImportRejected, 422, "rejected"),
    (InvalidField, 422, "invalid"),
    (RuleBroken, 422, "rule_broken"),
    (LedgerError, 400, "bad_request"),
)

# Refusals a script tells apart by their own code (the message's code, in the API's words).
OWN_CODES = {"password.change_required": "password_change_required"}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    field: str | None = None,
    line: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message, "field": field, "line": line}
    if errors is not None:
        body["errors"] = errors
    response = jsonify(error=body)
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def ledger_error(error: LedgerError) -> Response:
    status, code = next((s, c) for kind, s, c in STATUSES if isinstance(error, kind))
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else None
    if isinstance(error, ImportRejected):
        # A workbook's errors name the sheet's rows: ``line`` is then the row.
        offset, unit = (g.row_offset, "row") if "row_offset" in g else (0, "line")
        first = error.errors[0]
        listed = [
            {"code": code, "message": e.message, "field": e.field, "line": e.line + offset}
            for e in error.errors
        ]
        message = f"{unit} {first.line + offset}: {first.message}; {error.message}"
        return error_response(
            status, code, message, field=first.field, line=first.line + offset, errors=listed
        )
    code = OWN_CODES.get(error.code or "", code)
    # A workbook refused as a whole names its sheet's row where it can (spreadsheets).
    line = getattr(error, "line", None)
    return error_response(
        status, code, error.message, field=error.field, line=line, headers=headers
    )


def shape_error(error: ma.ValidationError) -> Response:
    field, message = first_message(error.messages)
    return error_response(422, "invalid", message, field=field)


def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # the schemas' verdict on a request's arguments (webargs)
        field, message = first_message(data["messages"])
        return error_response(422 if status == 422 else status, "invalid", message, field=field)
    message = {
        413: TOO_LARGE,
        404: "no such address in the API",
    }.get(status, error.description or error.name)
    return error_response(status, HTTP_CODES.get(status, "error"), message)


def first_message(messages: Any, path: str | None = None) -> tuple[str | None, str]:
    """The first field named in marshmallow's nested messages, as a dotted path, and its
    message ("json"/"query" locations and the schema-wide ``_schema`` are no field; a field
    whose name is empty is one, named "")."""
    if isinstance(messages, Mapping) and messages:
        key, value = next(iter(messages.items()))
        if key in ("json", "query", "path", "headers", "form", "_schema"):
            return first_message(value, path)
        name = f"{path}.{key}" if path else str(key)
        return first_message(value, name)
    if isinstance(messages, list | tuple) and messages:
        return first_message(messages[0], path)
    text = str(messages) if messages else "is not valid"
    if text == "Unknown field.":
        text = "is not a field of this request"
    return path, text
