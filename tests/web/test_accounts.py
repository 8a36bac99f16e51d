"""Signing in and out, sessions ended by a password change, throttling, CSRF, cookies and
the security headers."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from tests.support import PASSWORD
from tests.web.conftest import make_app, sign_in


def test_a_clerk_signs_in_and_lands_on_the_township_dashboard(client, site):
    answer = sign_in(client, site.users["clerk"])
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/township/"
    assert client.get("/township/").status_code == 200


def test_a_wrong_password_says_neither_which_nor_signs_in(client, site):
    wrong = sign_in(client, site.users["clerk"], "not the password")
    unknown = sign_in(client, "nobody-at-all", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码不正确" in wrong.text
    assert client.get("/township/").status_code == 302  # still signed out


def test_pages_need_a_signed_in_user(client):
    answer = client.get("/township/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login")


def test_logging_out_ends_the_session(as_role):
    client = as_role("clerk")
    assert client.post("/logout").status_code == 302
    assert client.get("/township/").status_code == 302


def test_a_password_change_ends_the_users_other_sessions(app, site):
    username = site.add_user("clerk", township=site.township)
    phone, desk = app.test_client(), app.test_client()
    sign_in(phone, username)
    sign_in(desk, username)
    answer = desk.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a much newer secret",
            "confirm_password": "a much newer secret",
        },
    )
    assert answer.status_code == 200
    assert desk.get("/township/").status_code == 200  # the session that changed it goes on
    assert phone.get("/township/").status_code == 302  # the other one is signed out
    assert sign_in(app.test_client(), username).status_code == 401
    assert sign_in(app.test_client(), username, "a much newer secret").status_code == 302


def test_a_wrong_current_password_is_named_and_changes_nothing(app, site):
    username = site.add_user("clerk", township=site.township)
    client = app.test_client()
    sign_in(client, username)
    answer = client.post(
        "/password",
        data={"current_password": "nope", "new_password": "x" * 12, "confirm_password": "x" * 12},
    )
    assert answer.status_code == 400
    assert 'id="current_password-error"' in answer.text
    assert sign_in(app.test_client(), username).status_code == 302


def test_a_common_new_password_is_refused_with_the_reason_in_chinese(app, site):
    username = site.add_user("clerk", township=site.township)
    client = app.test_client()
    sign_in(client, username)
    common = {
        "current_password": PASSWORD,
        "new_password": "iloveyou1",
        "confirm_password": "iloveyou1",
    }
    answer = client.post("/password", data=common)
    assert answer.status_code == 400
    assert 'id="new_password-error"' in answer.text
    assert "是最常见的密码之一" in answer.text
    assert sign_in(app.test_client(), username).status_code == 302  # the old one still works


def test_repeated_failures_hold_back_even_the_right_password(app, site):
    username = site.add_user("clerk", township=site.township)
    client = app.test_client()
    for _ in range(5):
        assert sign_in(client, username, "guess").status_code == 401
    assert sign_in(client, username).status_code == 429


def test_every_form_needs_its_csrf_token(site):
    app = make_app(site)  # CSRF on, as served
    client = app.test_client()
    assert sign_in(client, site.users["clerk"]).status_code == 400
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/login",
        data={"username": site.users["clerk"], "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302


def test_session_cookies_are_httponly_and_lax_and_secure_behind_tls(site):
    for secure in (False, True):
        app = make_app(site, secure_cookies=secure)
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        answer = sign_in(client, site.users["clerk"])
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure


def test_answers_carry_a_csp_without_inline_script(client):
    answer = client.get("/login")
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in answer.text and " style=" not in answer.text


def test_pages_speak_chinese_first_and_english_on_request(client):
    assert "登录" in client.get("/login").text
    client.get("/language/en")
    assert "Log in" in client.get("/login").text


def test_behind_a_trusted_proxy_each_client_is_held_back_on_its_own(site):
    app = make_app(site, trusted_proxies=1)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()

    def attempt(address: str, username: str, password: str = "guess") -> int:
        answer = client.post(
            "/login",
            data={"username": username, "password": password},
            headers={"X-Forwarded-For": address},
        )
        return answer.status_code

    for n in range(20):
        assert attempt("203.0.113.7", f"nobody-{n}") == 401
    assert attempt("203.0.113.7", site.users["clerk"], PASSWORD) == 429
    assert attempt("198.51.100.9", site.users["clerk"], PASSWORD) == 302


@pytest.fixture
def verifications(monkeypatch) -> list[str]:
    """Every Argon2 verification made (argon2's own, counted on its way through)."""
    made: list[str] = []
    verify = PasswordHasher.verify

    def counted(self, hashed, password):
        made.append(password)
        return verify(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return made


def test_an_unknown_name_costs_the_sign_in_one_argon2_verification_as_a_known_one(
    app, site, verifications
):
    """So that the time of the answer does not tell which names exist."""
    known = site.add_user("clerk", township=site.township)
    for username, password, status in (
        ("nobody-" + known, "not the password", 401),
        (known, "not the password", 401),
        (known, PASSWORD, 302),
    ):
        verifications.clear()
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "198.51.100.24"  # failures of its own
        assert sign_in(client, username, password).status_code == status
        assert verifications == [password]
