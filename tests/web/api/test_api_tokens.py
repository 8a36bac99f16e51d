"""Tokens: issued for a password, expiring, revoked one by one or all together (a password
change included), throttled across processes, never together with a session cookie."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from domain.errors import NotFound
from domain.signin import MAX_FAILURES_PER_PAIR
from domain.token import MOST_ISSUED
from infra.settings import Settings
from infra.wiring import open_ledger
from tests.support import OPERATOR, PASSWORD, unique
from tests.web.api.conftest import add_user, error_of, make_app, sign_in

PROBE = "/api/v1/townships/{}/entries/probe"


@pytest.fixture(autouse=True)
def probe_entry(site, ledger):
    """An entry whose history every caller of the township may read."""
    ledger.interchange.record_line(OPERATOR, site.line("liaison_registered", "probe"))


def test_a_token_for_a_password_opens_the_api(site):
    clerk = site.caller("clerk")
    answer = clerk.get(PROBE.format(site.township))
    assert answer.status_code == 200
    issued = site.client.post(
        "/api/v1/tokens", json={"username": clerk.username, "password": PASSWORD}
    ).get_json()
    expires = datetime.fromisoformat(issued["expires_at"])
    assert expires > datetime.now(UTC) + timedelta(days=1)


def test_a_wrong_password_or_no_token_is_401(site):
    clerk = site.caller("clerk")
    wrong = site.client.post("/api/v1/tokens", json={"username": clerk.username, "password": "x"})
    assert wrong.status_code == 401
    assert error_of(wrong)["code"] == "unauthenticated"
    nobody = site.client.post("/api/v1/tokens", json={"username": "nobody", "password": "x"})
    assert error_of(nobody) == error_of(wrong)
    assert site.client.get(PROBE.format(site.township)).status_code == 401
    forged = site.client.get(
        PROBE.format(site.township), headers={"Authorization": "Bearer forged"}
    )
    assert forged.status_code == 401
    assert forged.headers["WWW-Authenticate"] == "Bearer"


def test_revoking_the_current_token_leaves_the_others(site):
    clerk = site.caller("clerk")
    second = sign_in(site.client, clerk.username)
    assert clerk.delete("/api/v1/tokens/current").status_code == 204
    assert clerk.get(PROBE.format(site.township)).status_code == 401
    assert second.get(PROBE.format(site.township)).status_code == 200


def test_revoking_all_tokens_of_a_user(site):
    clerk = site.caller("clerk")
    second = sign_in(site.client, clerk.username)
    head = site.caller("head")
    assert second.delete("/api/v1/tokens").status_code == 204
    assert clerk.get(PROBE.format(site.township)).status_code == 401
    assert second.get(PROBE.format(site.township)).status_code == 401
    assert head.get(PROBE.format(site.township)).status_code == 200
    # A token asked for afterwards works.
    assert sign_in(site.client, clerk.username).get(PROBE.format(site.township)).status_code == 200


def test_a_password_change_revokes_every_token(site, ledger):
    clerk = site.caller("clerk")
    principal = ledger.tenancy.principal(username=clerk.username)
    ledger.accounts.change_password(principal, current=PASSWORD, new="a new long password")
    assert clerk.get(PROBE.format(site.township)).status_code == 401
    again = site.client.post(
        "/api/v1/tokens", json={"username": clerk.username, "password": "a new long password"}
    )
    assert again.status_code == 201


def test_an_expired_token_is_refused(site, ledger):
    clerk = site.caller("clerk")
    ledger.tokens.clock = lambda: datetime.now(UTC) + timedelta(days=31)
    answer = clerk.get(PROBE.format(site.township))
    assert answer.status_code == 401


def test_sign_ins_are_throttled_for_every_process_of_the_installation(site, store_url):
    """Failures counted by one process (a gunicorn worker) throttle the name from that
    address in another; from another address the name still signs in."""
    clerk = site.caller("clerk")
    other = open_ledger(
        Settings(two_factor="optional", database_url=store_url), shared_attempts=True
    )
    try:
        other_client = make_app(other).test_client()
        other_client.environ_base["REMOTE_ADDR"] = site.client.environ_base["REMOTE_ADDR"]
        wrong = {"username": clerk.username, "password": "not the password"}
        for n in range(MAX_FAILURES_PER_PAIR):
            client = site.client if n % 2 else other_client
            assert client.post("/api/v1/tokens", json=wrong).status_code == 401
        for client in (site.client, other_client):
            right = client.post(
                "/api/v1/tokens", json={"username": clerk.username, "password": PASSWORD}
            )
            assert right.status_code == 429
            assert error_of(right)["code"] == "throttled"
            assert int(right.headers["Retry-After"]) > 0
            assert error_of(right)["field"] == "password"
        elsewhere = make_app(other).test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = unique("client")
        right = {"username": clerk.username, "password": PASSWORD}
        assert elsewhere.post("/api/v1/tokens", json=right).status_code == 201
    finally:
        other.close()
    # Other names are not throttled.
    assert sign_in(site.client, add_user(site.ledger, "clerk", township=site.township))


def test_a_token_and_a_session_cookie_together_are_refused(site):
    clerk = site.caller("clerk")
    site.client.set_cookie("session", "something")
    answer = clerk.get(PROBE.format(site.township))
    assert answer.status_code == 400
    assert error_of(answer)["field"] == "Authorization"


def test_a_token_request_names_its_bad_field(site):
    answer = site.client.post("/api/v1/tokens", json={"username": "x", "password": "y", "z": 1})
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "z"
    missing = site.client.post("/api/v1/tokens", json={"username": "x"})
    assert error_of(missing)["field"] == "password"


# -- a write's token is checked inside the write (services.tokens: Tokens.acting) ------------


def record(caller, site, entry_id):
    return caller.post(
        "/api/v1/entries",
        json=site.line("dispute_registered", entry_id, source="screening", category="land"),
    )


@pytest.fixture
def elsewhere(store_url):
    """Another worker of the installation: its own ledger and app on the same store."""
    other = open_ledger(
        Settings(two_factor="optional", database_url=store_url), shared_attempts=True
    )
    try:
        yield other, make_app(other).test_client()
    finally:
        other.close()


@pytest.mark.parametrize("how", ["this token", "all tokens", "password"])
def test_a_token_changed_in_another_worker_stops_its_next_write(site, ledger, elsewhere, how):
    """This worker keeps the token it looked up for writes; a revocation (or a password change)
    made by another worker stops the next write at once, and nothing of it is recorded."""
    clerk = site.caller("clerk")
    assert record(clerk, site, "before").status_code == 201  # the token is now kept here
    other, other_client = elsewhere
    there = {"Authorization": f"Bearer {clerk.token}"}
    if how == "this token":
        assert other_client.delete("/api/v1/tokens/current", headers=there).status_code == 204
    elif how == "all tokens":
        assert other_client.delete("/api/v1/tokens", headers=there).status_code == 204
    else:
        principal = other.tenancy.principal(username=clerk.username)
        other.accounts.change_password(principal, current=PASSWORD, new="a new long password")
    refused = record(clerk, site, "after")
    assert refused.status_code == 401
    assert error_of(refused)["code"] == "unauthenticated"
    recorded = ledger.history.entry(OPERATOR, township=site.township, entry_id="before")
    assert recorded is not None
    with pytest.raises(NotFound):
        ledger.history.entry(OPERATOR, township=site.township, entry_id="after")


def test_a_kept_token_still_expires(site, ledger):
    clerk = site.caller("clerk")
    assert record(clerk, site, "before").status_code == 201
    ledger.tokens.clock = lambda: datetime.now(UTC) + timedelta(days=31)
    assert record(clerk, site, "after").status_code == 401


def test_a_kept_token_is_not_lent_to_another(site, ledger):
    """Two clerks of two townships, each with a kept token: each writes only as itself."""
    clerk = site.caller("clerk")
    assert record(clerk, site, "mine").status_code == 201
    stranger = sign_in(site.client, add_user(ledger, "clerk", township=site.township))
    assert record(stranger, site, "theirs").status_code == 201
    for entry_id, caller in (("mine", clerk), ("theirs", stranger)):
        history = ledger.history.entry(OPERATOR, township=site.township, entry_id=entry_id)
        assert history["events"][0]["recorded_by"] == caller.username


def test_an_unknown_name_costs_a_token_one_argon2_verification_as_a_known_one(site, monkeypatch):
    """So that the time of the answer does not tell which names exist."""
    made: list[str] = []
    verify = PasswordHasher.verify

    def counted(self, hashed, password):
        made.append(password)
        return verify(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    known = add_user(site.ledger, "clerk", township=site.township)
    for username, password, status in (
        (unique("nobody"), "not the password", 401),
        (known, "not the password", 401),
        (known, PASSWORD, 201),
    ):
        made.clear()
        answer = site.client.post(
            "/api/v1/tokens", json={"username": username, "password": password}
        )
        assert answer.status_code == status
        assert made == [password]


def test_tokens_past_the_hours_limit_are_refused_in_every_worker_and_record_nothing(
    site, ledger, elsewhere
):
    """A script asking for a token on every request is held back after ``MOST_ISSUED`` an hour
    (429 with Retry-After, in every process), and the refusals add nothing to the ledger."""
    username = add_user(ledger, "clerk", township=site.township)
    _, other_client = elsewhere
    other_client.environ_base["REMOTE_ADDR"] = site.client.environ_base["REMOTE_ADDR"]
    right = {"username": username, "password": PASSWORD}
    for n in range(MOST_ISSUED):
        client = site.client if n % 2 else other_client
        assert client.post("/api/v1/tokens", json=right).status_code == 201
    before = ledger.app.recorder.max_notification_id()
    for client in (site.client, other_client):
        refused = client.post("/api/v1/tokens", json=right)
        assert refused.status_code == 429
        assert error_of(refused)["code"] == "throttled"
        assert error_of(refused)["field"] == "username"
        assert int(refused.headers["Retry-After"]) > 0
    assert ledger.app.recorder.max_notification_id() == before
    wrong = client.post("/api/v1/tokens", json={**right, "password": "not the password"})
    assert wrong.status_code == 401  # nothing said to whoever does not know the password
    assert sign_in(site.client, add_user(ledger, "clerk", township=site.township))  # others
