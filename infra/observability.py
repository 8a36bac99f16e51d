"""Sentry and the logs, started before the web app.

Sentry runs when ``SENTRY_DSN`` is set. Nothing personal is sent: no request bodies, cookies,
user names or free text; the role and tenant are tags. The logs go to stderr, as text or as
one JSON object a line (``LEDGER_LOG_FORMAT=json``), gunicorn's included."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pythonjsonlogger.json
import sentry_sdk
from gunicorn import glogging

from infra.settings import Settings

KEPT_REQUEST_KEYS = ("method", "url")  # no data, cookies, headers or query string


def scrub(event: dict[str, Any], _hint: Any = None) -> dict[str, Any]:
    request = event.get("request")
    if isinstance(request, dict):
        event["request"] = {k: request[k] for k in KEPT_REQUEST_KEYS if k in request}
        if "url" in event["request"]:
            event["request"]["url"] = str(event["request"]["url"]).split("?")[0]
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    for exception in event.get("exception", {}).get("values", []):
        for frame in exception.get("stacktrace", {}).get("frames", []):
            frame.pop("vars", None)
    return event


def start_sentry(settings: Settings, transport: Any = None) -> bool:
    """Initialise Sentry when a DSN is configured; ``transport`` replaces the network (tests)."""
    if not settings.sentry_dsn:
        return False
    options: dict[str, Any] = {
        "dsn": settings.sentry_dsn,
        "include_local_variables": False,
        "max_breadcrumbs": 0,
        "before_send": scrub,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    return True


# -- logs ---------------------------------------------------------------------------------------

# Every line of a JSON log has these keys; the last three are null outside a request. The web
# app fills them in (web/request_log.py); nothing else personal is logged: no user names,
# passwords, free text, query strings or client addresses.
REQUEST_FIELDS = ("request_id", "role", "tenant")
# What the web app leaves in a request's WSGI environ for the access log (web/request_log.py).
ENVIRON_KEYS = {field: f"ledger.{field}" for field in REQUEST_FIELDS}
ROUTE_KEY = "ledger.route"  # the pattern of the URL (its ids are not logged), "-" without one


class JsonFormatter(pythonjsonlogger.json.JsonFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, role,
    tenant, and whatever a call passes as ``extra``."""

    def __init__(self) -> None:
        super().__init__(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
            defaults=dict.fromkeys(REQUEST_FIELDS),
            json_ensure_ascii=False,
        )


def start_logging(settings: Settings, stream: Any = None) -> None:
    """Logs of this process on stderr (or ``stream``), as text or JSON (``LEDGER_LOG_FORMAT``)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level)


class GunicornLogger(glogging.Logger):
    """gunicorn's error and access logs (``logger_class``: ``gunicorn_logger(settings)``), as
    text or as JSON lines (``LEDGER_LOG_FORMAT``).

    One access line per answer (``answered``): the method, the route, the status, the bytes
    sent and the duration, with the request id, role and tenant the app left in the request's
    environ. The route is the URL's pattern
    (``/api/v1/townships/<code>/entries/<path:entry_id>``), not the path: an entry id is
    something a user typed. The client's address only with ``LEDGER_LOG_CLIENT_ADDRESSES=1``
    (the address the app believed: the proxies' ``X-Forwarded-For`` with
    ``LEDGER_TRUSTED_PROXIES``)."""

    settings = Settings()

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if self.settings.log_format == "json":
            for log in (self.error_log, self.access_log):
                for handler in log.handlers:
                    handler.setFormatter(JsonFormatter())
        else:
            for handler in self.access_log.handlers:
                handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))

    def answered(self, environ: dict, status: int, sent: int | None, seconds: float) -> None:
        if not self.cfg.accesslog:
            return
        fields = {field: environ.get(key) for field, key in ENVIRON_KEYS.items()}
        fields.update(
            method=environ.get("REQUEST_METHOD", "-"),
            route=environ.get(ROUTE_KEY) or "-",
            status=status,
            bytes=sent,
            duration_ms=round(seconds * 1000, 1),
        )
        if self.settings.log_client_addresses:
            fields["client"] = environ.get("REMOTE_ADDR")
        message = f"{fields['method']} {fields['route']} {status}"
        if self.settings.log_format != "json":  # the line is all there is: everything in it
            said = [sent, f"{fields['duration_ms']}ms", *(fields[k] for k in REQUEST_FIELDS)]
            said += [fields["client"]] if "client" in fields else []
            message = " ".join("-" if value is None else str(value) for value in [message, *said])
        self.access_log.info(message, extra=fields)

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        """gunicorn's own workers' access line, as ``answered`` writes it."""
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        sent = getattr(resp, "sent", None)
        self.answered(environ, int(status), sent, request_time.total_seconds())


def gunicorn_logger(settings: Settings) -> type[GunicornLogger]:
    """gunicorn's ``logger_class`` for these settings."""
    return type("GunicornLogger", (GunicornLogger,), {"settings": settings})
