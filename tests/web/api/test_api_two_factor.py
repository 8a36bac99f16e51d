"""Two-factor sign-in and the API's tokens, on an installation that requires it (the
default): a county officer, auditor or administrator who has not enrolled gets no token (403);
an enrolled user adds "otp" (a code of their app, or a recovery code, each accepted once); a
wrong code is a failed sign-in, throttled as a wrong password is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from domain.signin import MAX_FAILURES_PER_PAIR
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.support import PASSWORD, Tenants, unique
from tests.web.api.conftest import FAST_HASHER, add_user, error_of, make_app


@pytest.fixture
def installation(store_url: str, tmp_path) -> Iterator[Services]:
    settings = Settings(database_url=store_url, evidence_dir=str(tmp_path / "evidence"))
    assert settings.two_factor == "required"  # the installation's default
    opened = open_ledger(settings, shared_attempts=True)
    opened.tenancy.hasher = FAST_HASHER
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def client(installation):
    client = make_app(installation).test_client()
    client.environ_base["REMOTE_ADDR"] = unique("client")
    return client


def ask(client, username: str, **more: str):
    return client.post("/api/v1/tokens", json={"username": username, "password": PASSWORD, **more})


def enrolled(ledger: Services, role: str) -> tuple[str, str, list[str]]:
    """A user of ``role`` enrolled a step ago: their name, secret and recovery codes."""
    where = {"county": Tenants(ledger).place().county} if role != "admin" else {}
    username = add_user(ledger, role, **where)
    principal = ledger.tenancy.principal(username=username)
    offered = ledger.accounts.offer_enrolment(principal)
    assert offered.uri.startswith("otpauth://totp/") and offered.secret in offered.uri
    earlier = datetime.now(UTC) - timedelta(seconds=30)
    codes = ledger.accounts.enrol(
        principal, secret=offered.secret, otp=pyotp.TOTP(offered.secret).at(earlier)
    )
    return username, offered.secret, codes


@pytest.mark.parametrize("role", ["county_officer", "auditor", "admin"])
def test_who_must_enrol_and_has_not_gets_no_token(installation, client, role):
    where = {"county": Tenants(installation).place().county} if role != "admin" else {}
    answer = ask(client, add_user(installation, role, **where))
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "two_factor_enrolment_required"


def test_a_clerk_needs_no_second_factor(installation, client):
    township = Tenants(installation).place().township
    assert ask(client, add_user(installation, "clerk", township=township)).status_code == 201


def test_an_enrolled_user_adds_otp_each_code_once(installation, client):
    username, secret, _ = enrolled(installation, "auditor")
    missing = ask(client, username)
    assert missing.status_code == 401 and error_of(missing)["field"] == "otp"
    wrong = ask(client, username, otp="000000")
    assert wrong.status_code == 401 and error_of(wrong)["field"] == "otp"
    code = pyotp.TOTP(secret).now()
    issued = ask(client, username, otp=code)
    assert issued.status_code == 201, issued.get_json()
    token = issued.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/tokens/current", headers=headers).status_code == 204
    assert ask(client, username, otp=code).status_code == 401  # spent
    bad_password = client.post(
        "/api/v1/tokens", json={"username": username, "password": "not it", "otp": code}
    )
    assert bad_password.status_code == 401 and error_of(bad_password)["field"] == "password"


def test_a_recovery_code_works_once(installation, client):
    username, _, codes = enrolled(installation, "county_officer")
    assert ask(client, username, otp=codes[3]).status_code == 201
    assert ask(client, username, otp=codes[3]).status_code == 401
    assert ask(client, username, otp=codes[4].replace("-", " ")).status_code == 201


def test_wrong_codes_are_throttled_as_wrong_passwords(installation, client):
    username, secret, _ = enrolled(installation, "admin")
    for _ in range(MAX_FAILURES_PER_PAIR):
        assert ask(client, username, otp="000000").status_code == 401
    refused = ask(client, username, otp=pyotp.TOTP(secret).now())
    assert refused.status_code == 429


def test_the_setting_is_read_and_checked():
    assert Settings.from_env({}).two_factor == "required"
    assert Settings.from_env({"LEDGER_TWO_FACTOR": "Optional"}).two_factor == "optional"
    with pytest.raises(ValueError, match="LEDGER_TWO_FACTOR"):
        Settings.from_env({"LEDGER_TWO_FACTOR": "sometimes"})


def test_an_enrolled_user_changes_their_password_only_with_a_code(installation, client):
    username, secret, codes = enrolled(installation, "auditor")
    change = {"username": username, "password": PASSWORD, "new_password": "another-pass-2026"}
    alone = client.post("/api/v1/password", json=change)
    assert alone.status_code == 401 and error_of(alone)["field"] == "otp"
    wrong = client.post("/api/v1/password", json={**change, "otp": "000000"})
    assert wrong.status_code == 401 and error_of(wrong)["field"] == "otp"
    done = client.post("/api/v1/password", json={**change, "otp": codes[0]})
    assert done.status_code == 204, done.get_json()
    again = ask(client, username, otp=pyotp.TOTP(secret).now())
    assert again.status_code == 401  # the old password no longer signs in
