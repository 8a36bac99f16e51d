"""Liveness and readiness: ``/readyz`` says ready or not to anyone, and the read model's
position and lag only to the installation's operators (``LEDGER_OPERATOR_TOKEN``, sent as
``Authorization: Bearer``): not to a user, signed in or with a token, administrators
included."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD
from tests.web.conftest import make_app, sign_in

OPERATOR_TOKEN = "operators-monitoring-secret"


@pytest.fixture
def operated(site):
    return make_app(site, operator_token=OPERATOR_TOKEN).test_client()


def test_healthz_answers_anyone(client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_tells_the_anonymous_ready_and_nothing_more(client, operated):
    for answer in (
        client.get("/readyz"),
        operated.get("/readyz"),
        operated.get("/readyz", headers={"Authorization": "Bearer not-the-operators-secret"}),
        operated.get("/readyz", headers={"Authorization": f"Basic {OPERATOR_TOKEN}"}),
    ):
        assert answer.status_code == 200
        assert answer.json == {"status": "ready"}


def test_readyz_tells_the_operators_the_position_and_the_lag(site, operated):
    answer = operated.get("/readyz", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    assert answer.status_code == 200
    assert set(answer.json) == {"status", "position", "lag"}
    assert answer.json["status"] == "ready" and answer.json["lag"] >= 0
    assert answer.json["position"] <= site.services.read_model.recorded_position()


def test_an_administrator_is_no_operator(site):
    app = make_app(site, operator_token=OPERATOR_TOKEN)
    app.config["WTF_CSRF_ENABLED"] = False
    admin = app.test_client()
    assert sign_in(admin, site.users["admin"]).status_code == 302
    token = site.services.tokens.issue(username=site.users["admin"], password=PASSWORD).token
    for headers in ({}, {"Authorization": f"Bearer {token}"}):
        answer = admin.get("/readyz", headers=headers)
        assert answer.status_code == 200
        assert answer.json == {"status": "ready"}


def test_without_an_operator_token_nobody_is_told_the_lag(client):
    answer = client.get("/readyz", headers={"Authorization": "Bearer "})
    assert answer.json == {"status": "ready"}
