"""Two-factor sign-in in Chromium, on an installation that requires it: the auditor signs in
with the password, is sent to enrolment, enrols with a code computed from the secret the page
shows, signs out, signs in with a code; a recovery code works once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pyotp
import pytest

from tests.browser.conftest import demo_server, log_in


@pytest.fixture(scope="module")
def strict(tmp_path_factory) -> Iterator[str]:
    with demo_server(tmp_path_factory.mktemp("two-factor"), LEDGER_TWO_FACTOR="required") as url:
        yield url


@pytest.fixture
def page(browser, strict):
    context = browser.new_context(locale="zh-CN")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    yield context.new_page()
    context.close()
    assert [u for u in requested if not u.startswith((strict, "data:"))] == []


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def sign_out(page) -> None:
    submit(page, "header button.link")
    assert page.url.endswith("/login")


def code_step(page, strict: str, otp: str) -> None:
    log_in(page, strict, "auditor")
    assert page.url.endswith("/login/code"), page.url
    page.fill("#f-otp", otp)
    submit(page, "main button[type=submit]")


def test_an_auditor_enrols_then_signs_in_with_codes(page, strict):
    log_in(page, strict, "auditor")
    assert page.url.endswith("/two-factor"), page.url
    page.goto(f"{strict}/audit/")  # nothing else opens before enrolment
    assert page.url.endswith("/two-factor")
    assert page.locator("img[src^='data:image/svg+xml']").is_visible()  # the QR code
    secret = page.inner_text("#two-factor-secret").strip()
    assert page.inner_text("#two-factor-uri").startswith("otpauth://totp/")
    page.fill("#f-otp", pyotp.TOTP(secret).now())
    submit(page, "main button[type=submit]")
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    submit(page, "main a:has-text('继续')")
    assert page.url.endswith("/audit/")
    sign_out(page)

    # A code of the app (the next step's: the enrolment's own is spent, and a step of
    # drift is allowed) signs in.
    code_step(page, strict, pyotp.TOTP(secret).at(time.time() + 30))
    assert page.url.endswith("/audit/"), page.inner_text("main")
    sign_out(page)

    code_step(page, strict, codes[0])  # a recovery code, once
    assert page.url.endswith("/audit/"), page.inner_text("main")
    sign_out(page)
    code_step(page, strict, codes[0])
    assert page.url.endswith("/login/code")
    assert "不是身份验证器应用的有效验证码" in page.inner_text("#otp-error")
