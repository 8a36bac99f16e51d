"""Sentry, when a DSN is set: an error reaches it tagged with the role and the tenant, and with
nothing personal (no user name, password, form or query text)."""

from __future__ import annotations

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from infra.observability import start_sentry
from infra.settings import Settings
from tests.support import PASSWORD
from tests.web.conftest import make_app, sign_in


class Captured(Transport):
    def __init__(self) -> None:
        super().__init__()
        self.envelopes: list = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry():
    transport = Captured()
    assert start_sentry(Settings(sentry_dsn="https://key@sentry.invalid/1"), transport=transport)
    try:
        yield transport
    finally:
        sentry_sdk.init()  # no DSN: off again


def test_no_dsn_starts_nothing():
    assert start_sentry(Settings()) is False


def test_an_error_is_sent_with_role_and_tenant_and_nothing_personal(sentry, site):
    app = make_app(site)
    app.config["WTF_CSRF_ENABLED"] = False

    def broken():
        raise RuntimeError("a fault in a page")

    app.add_url_rule("/township/broken", "broken", broken)
    client = app.test_client()
    username = site.users["clerk"]
    sign_in(client, username)
    with pytest.raises(RuntimeError):
        client.get("/township/broken?name=张三")
    sentry_sdk.flush()
    events = [
        item.payload.json for e in sentry.envelopes for item in e.items if item.type == "event"
    ]
    assert len(events) == 1
    event = events[0]
    assert event["tags"]["role"] == "clerk"
    assert event["tags"]["tenant"] == site.township
    sent = str(events)
    for personal in (username, PASSWORD, "张三", "name="):
        assert personal not in sent
    assert "user" not in event
    assert set(event.get("request", {})) <= {"method", "url"}
