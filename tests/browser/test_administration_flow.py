"""A county from nothing to a clerk recording, in Chromium against the real server: the
administrator creates a county and its officer; the officer signs in, changes the one-time
password, adds a township and a clerk; the clerk signs in, changes the password, records a
dispute; the officer disables the clerk, and the clerk's open page and API token stop
working. The installation requires two-factor sign-in (the default): the administrator and
the officer enrol with a code computed from the secret the page shows; the clerk need not."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pyotp
import pytest

from tests.browser.conftest import demo_server, log_in
from tests.support import unique

NEW = "a passphrase of my own"


@pytest.fixture(scope="module")
def strict(tmp_path_factory) -> Iterator[str]:
    """A server of its own, requiring two-factor sign-in of officers and administrators."""
    with demo_server(
        tmp_path_factory.mktemp("administration"), LEDGER_TWO_FACTOR="required"
    ) as url:
        yield url


@pytest.fixture
def visit(browser, strict):
    """A new browser context per user, on the strict server only."""
    contexts, requested = [], []

    def open_page():
        context = browser.new_context(locale="zh-CN")
        context.on("request", lambda request: requested.append(request.url))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert [u for u in requested if not u.startswith((strict, "data:"))] == []


def enrol(page) -> None:
    """Sent to enrolment: the authenticator app's code for the secret shown, then on."""
    assert page.url.endswith("/two-factor"), page.url
    secret = page.inner_text("#two-factor-secret").strip()
    page.fill("#f-otp", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert len(page.locator("#recovery-codes code").all_inner_texts()) == 10
    with page.expect_navigation():
        page.click("main a:has-text('继续')")


def sign_in(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def choose_password(page, one_time: str) -> None:
    """On the page a one-time password leads to: the user's own password."""
    assert page.url.endswith("/password")
    assert page.locator("[data-must-change]").count() == 1
    page.fill("#f-current_password", one_time)
    page.fill("#f-new_password", NEW)
    page.fill("#f-confirm_password", NEW)
    page.click("form.narrow button[type=submit]")
    assert page.locator("[data-start]").count() == 1


def api(server: str, method: str, path: str, body: dict | None = None, token: str = ""):
    request = urllib.request.Request(
        f"{server}/api/v1{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        if token
        else {"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"null")


def test_a_county_from_nothing_to_a_clerk_recording(visit, strict):
    server = strict
    county, officer_name = unique("county"), unique("officer")
    township, clerk_name = unique("town"), unique("clerk")

    admin = visit()
    log_in(admin, server, "admin")
    enrol(admin)
    assert admin.url.endswith("/admin/"), admin.url
    admin.fill("form[data-form=add-county] #f-code", county)
    admin.fill("form[data-form=add-county] #f-name", "新设县")
    admin.click("form[data-form=add-county] button[type=submit]")
    assert admin.url.endswith(f"/admin/counties/{county}")
    assert "新设县" in admin.inner_text("h1")
    admin.fill("form[data-form=officer] #f-username", officer_name)
    admin.click("form[data-form=officer] button[type=submit]")
    officer_once = admin.inner_text("[data-one-time-password]").strip()

    officer = visit()
    sign_in(officer, server, officer_name, officer_once)
    choose_password(officer, officer_once)
    officer.goto(f"{server}/county/places")
    enrol(officer)  # their own password first, then their second factor
    officer.goto(f"{server}/county/places")
    officer.fill("form[data-form=add] #f-code", township)
    officer.fill("form[data-form=add] #f-name", "新设镇")
    officer.click("form[data-form=add] button[type=submit]")
    assert "新设镇" in officer.inner_text("[data-townships]")
    officer.goto(f"{server}/county/people")
    officer.fill("form[data-form=add] #f-username", clerk_name)
    officer.select_option("form[data-form=add] #f-role", "clerk")
    officer.select_option("form[data-form=add] #f-township", township)
    officer.click("form[data-form=add] button[type=submit]")
    clerk_once = officer.inner_text("[data-one-time-password]").strip()

    clerk = visit()
    sign_in(clerk, server, clerk_name, clerk_once)
    choose_password(clerk, clerk_once)
    clerk.goto(f"{server}/township/record/dispute_registered")
    entry_id = clerk.input_value("#f-id")
    clerk.fill("#f-occurred_on", "2024-11-20")
    clerk.select_option("#f-source", "petition")
    clerk.fill("#f-category", "宅基地")
    clerk.click("form.narrow button[type=submit]")
    assert entry_id in clerk.inner_text("h1")
    status, issued = api(server, "POST", "/tokens", {"username": clerk_name, "password": NEW})
    assert status == 201
    token = issued["token"]
    assert api(server, "GET", f"/townships/{township}/entries", token=token)[0] == 200

    officer.goto(f"{server}/county/people")
    officer.click(f"tr[data-user='{clerk_name}'] form[data-form=disable] button")
    assert officer.locator(f"tr[data-user='{clerk_name}'] [data-disabled]").count() == 1

    clerk.reload()
    assert clerk.url.split("?")[0].endswith("/login")
    assert api(server, "GET", f"/townships/{township}/entries", token=token)[0] == 401
