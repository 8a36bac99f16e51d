"""Every request has an id, answered in X-Request-ID; the log lines made while it is handled
carry the id, the caller's role and tenant as JSON, and nothing personal."""

from __future__ import annotations

import io
import json
import logging

import pytest

from infra.observability import JsonFormatter
from tests.support import PASSWORD
from tests.web.conftest import make_app, sign_in


@pytest.fixture
def json_log():
    """What the app logs during the test, as the JSON lines LEDGER_LOG_FORMAT=json writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    probe = logging.getLogger("ledger.test")
    probe.addHandler(handler)
    probe.setLevel(logging.INFO)
    try:
        yield probe, stream
    finally:
        probe.removeHandler(handler)


def test_a_request_gets_an_id_or_keeps_the_load_balancers(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first != second and len(first) == 32
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-2026-12-01.0001"})
    assert kept.headers["X-Request-ID"] == "lb-2026-12-01.0001"
    for unlikely in ("short", "has spaces in it", "x" * 65, 'quote"d-request'):
        answer = client.get("/healthz", headers={"X-Request-ID": unlikely})
        assert answer.headers["X-Request-ID"] != unlikely


def test_a_line_logged_in_a_request_names_its_id_role_and_tenant_only(site, json_log):
    probe, stream = json_log
    app = make_app(site)
    app.config["WTF_CSRF_ENABLED"] = False

    @app.get("/_probe_log")  # a view of the test's own, logging as any view may
    def probe_view():
        probe.info("looked at the figures")
        return "ok"

    clerk = app.test_client()
    assert sign_in(clerk, site.users["clerk"]).status_code == 302
    answer = clerk.get("/_probe_log", headers={"X-Request-ID": "probe-request-0001"})
    assert answer.status_code == 200
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert line["request_id"] == "probe-request-0001"
    assert line["role"] == "clerk" and line["tenant"] == site.township
    assert line["message"] == "looked at the figures" and line["level"] == "INFO"
    assert {"time", "logger"} <= set(line)
    text = stream.getvalue()
    assert site.users["clerk"] not in text and PASSWORD not in text

    probe.info("outside any request")
    outside = json.loads(stream.getvalue().splitlines()[-1])
    assert (outside["request_id"], outside["role"], outside["tenant"]) == (None, None, None)
