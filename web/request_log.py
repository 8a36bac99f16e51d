"""Who and what a log line is about: every request gets an id (the load balancer's
``X-Request-ID`` when it sends a plausible one, else a new one), answered in the same header;
every log record made during the request, and gunicorn's access line after it, carries the
request id, the caller's role and tenant (township or county code), and the access line the
route's pattern rather than the path. Nothing else about the caller: no user name, address or
anything they typed (an entry id in a path included)."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
PLAUSIBLE = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Where gunicorn's access log (infra.observability.JsonGunicornLogger) finds them.
ENVIRON_KEYS = {
    "request_id": "ledger.request_id",
    "role": "ledger.role",
    "tenant": "ledger.tenant",
    "route": "ledger.route",  # the URL's pattern: not the entry ids or anything else in it
}


def register_request_log(app: Flask) -> None:
    _mark_log_records()

    @app.before_request
    def name_request() -> None:
        offered = request.headers.get(HEADER, "")
        g.request_id = offered if PLAUSIBLE.fullmatch(offered) else uuid.uuid4().hex
        request.environ[ENVIRON_KEYS["request_id"]] = g.request_id

    @app.after_request
    def tell_request(response: Response) -> Response:
        if "request_id" in g:
            response.headers[HEADER] = g.request_id
            role, tenant = _caller()
            request.environ[ENVIRON_KEYS["role"]] = role
            request.environ[ENVIRON_KEYS["tenant"]] = tenant
            rule = request.url_rule
            request.environ[ENVIRON_KEYS["route"]] = rule.rule if rule is not None else None
        return response


def _caller() -> tuple[str | None, str | None]:
    """The role and tenant of whoever the request was authenticated as (a token, or the
    signed-in user flask-login has already loaded): never loads anyone for the log."""
    principal = g.get("principal")
    if principal is None:
        principal = getattr(g.get("_login_user"), "principal", None)
    if principal is None:
        return None, None
    return principal.role.value, principal.township or principal.county


def _mark_log_records() -> None:
    """Every record made while a request is handled carries its id, role and tenant."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "marks_requests", False):
        return  # another app in this process did it already

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
            record.role, record.tenant = _caller()
        return record

    factory.marks_requests = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
