"""Two-factor sign-in on the pages: who must enrol is sent to enrolment and can open nothing
else; enrolment shows the secret and takes a first code; signing in then asks for a code, or a
recovery code, each accepted once; a wrong one counts in the throttle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from domain.signin import MAX_FAILURES_PER_PAIR
from domain.tenancy import user_uuid
from tests.support import unique
from tests.web.conftest import sign_in
from web.accounts import CODE_WITHIN


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def code(self, secret: str) -> str:
        return pyotp.TOTP(secret).at(self.now)

    def next_step(self) -> None:
        self.now += timedelta(seconds=30)


@pytest.fixture
def required(site, monkeypatch) -> Clock:
    """The installation requires two-factor sign-in; its clock is the test's."""
    clock = Clock()
    monkeypatch.setattr(site.services.accounts, "two_factor_required", True)
    monkeypatch.setattr(site.services.accounts, "clock", clock)
    return clock


def secret_shown(page: str) -> str:
    return page.split('id="two-factor-secret">')[1].split("<")[0]


def enrol(client, clock: Clock) -> tuple[list[str], str]:
    page = client.get("/two-factor")
    assert page.status_code == 200
    secret = secret_shown(page.text)
    assert "otpauth://totp/" in page.text and f"secret={secret}" in page.text
    assert 'src="data:image/svg+xml' in page.text  # the QR code, made by the app
    done = client.post("/two-factor", data={"otp": clock.code(secret)})
    assert done.status_code == 200, done.text
    codes = done.text.split('id="recovery-codes">')[1].split("</ul>")[0]
    return [part.split("</code>")[0] for part in codes.split("<code>")[1:]], secret


def test_an_auditor_is_sent_to_enrolment_and_then_asked_for_codes(app, site, required):
    auditor = site.add_user("auditor", county=site.county)
    client = app.test_client()
    answer = sign_in(client, auditor)
    assert answer.status_code == 302 and answer.headers["Location"] == "/two-factor"
    opened = client.get("/audit/")
    assert opened.status_code == 302 and opened.headers["Location"] == "/two-factor"
    # A wrong first code enrols nothing, and says so beside the field.
    page = client.get("/two-factor")
    wrong = client.post("/two-factor", data={"otp": "000000"})
    assert wrong.status_code == 400 and 'id="otp-error"' in wrong.text
    assert secret_shown(wrong.text) == secret_shown(page.text)  # the same secret offered
    recovery, secret = enrol(client, required)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert client.get("/audit/").status_code == 200
    assert "两步验证已启用" in client.get("/two-factor").text  # the codes are not shown again
    client.post("/logout")

    again = app.test_client()
    asked = sign_in(again, auditor)
    assert asked.status_code == 302 and asked.headers["Location"] == "/login/code"
    assert again.get("/audit/").status_code == 302  # not signed in until the code
    used = required.code(secret)
    assert again.post("/login/code", data={"otp": used}).status_code == 401  # enrolment's code
    required.next_step()
    landed = again.post("/login/code", data={"otp": required.code(secret)})
    assert landed.status_code == 302 and landed.headers["Location"] == "/audit/"
    assert again.get("/audit/").status_code == 200

    # A recovery code works once, typed in any case.
    for status in (302, 401):
        other = app.test_client()
        sign_in(other, auditor)
        answer = other.post("/login/code", data={"otp": recovery[0].upper()})
        assert answer.status_code == status
    # Enrolment and each use are the user's events in the ledger.
    recorded = site.services.app.repository.event_store.get(user_uuid(auditor))
    assert [type(e).__name__ for e in recorded][1:] == [
        "TwoFactorEnrolled",
        "TwoFactorCodeUsed",
        "RecoveryCodeUsed",
    ]


def test_the_code_page_without_a_right_password_goes_back_to_sign_in(client):
    answer = client.get("/login/code")
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert client.post("/login/code", data={"otp": "123456"}).status_code == 302


def test_wrong_codes_count_in_the_throttle(app, site, required):
    auditor = site.add_user("auditor", county=site.county)
    client = app.test_client()
    sign_in(client, auditor)
    enrol(client, required)
    guesser = app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = unique("203.0.113")
    for _ in range(MAX_FAILURES_PER_PAIR):
        assert sign_in(guesser, auditor).status_code == 302
        assert guesser.post("/login/code", data={"otp": "000000"}).status_code == 401
    assert sign_in(guesser, auditor).status_code == 429  # even the right password, now


def test_a_clerk_may_enrol_but_need_not(app, site, required):
    clerk = site.add_user("clerk", township=site.township)
    client = app.test_client()
    answer = sign_in(client, clerk)
    assert answer.headers["Location"] == "/township/"
    assert client.get("/township/").status_code == 200
    enrol(client, required)
    assert sign_in(app.test_client(), clerk).headers["Location"] == "/login/code"


def test_optional_lets_an_auditor_in_with_the_password(app, site):
    auditor = site.add_user("auditor", county=site.county)
    client = app.test_client()
    assert sign_in(client, auditor).headers["Location"] == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_the_code_step_lapses_five_minutes_after_the_password(app, site, required):
    clerk = site.add_user("clerk", township=site.township)
    client = app.test_client()
    sign_in(client, clerk)
    _, secret = enrol(client, required)
    late = app.test_client()
    assert sign_in(late, clerk).headers["Location"] == "/login/code"
    with late.session_transaction() as session:
        username, at = session["second_factor"]
        session["second_factor"] = [username, at - CODE_WITHIN]
    required.next_step()
    answer = late.post("/login/code", data={"otp": required.code(secret)})
    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert late.get("/township/").status_code == 302  # not signed in
