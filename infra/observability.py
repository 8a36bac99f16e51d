"""Sentry, started before the web app when ``SENTRY_DSN`` is set. Nothing personal is sent:
no request bodies, cookies, user names or free text; the role and tenant are tags."""

from __future__ import annotations

from typing import Any

import sentry_sdk

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
