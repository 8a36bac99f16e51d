"""The administration pages over Flask's client: the administrator's county page, the county
officer's townships and people, a one-time password shown once and changed first, and a
disabled user's open session ending."""

from __future__ import annotations

import re

from tests.support import unique
from tests.web.conftest import sign_in

NEW = "my own passphrase 1"


def one_time_password(page: str) -> str:
    found = re.search(r"data-one-time-password>([^<]+)<", page)
    assert found, "no one-time password shown"
    return found.group(1)


def test_an_officer_adds_a_clerk_who_must_choose_a_password(app, site, as_role):
    officer = as_role("county_officer")
    username = unique("clerk")
    added = officer.post(
        "/county/people", data={"username": username, "role": "clerk", "township": site.township}
    )
    assert added.status_code == 200
    password = one_time_password(added.text)
    listing = officer.get("/county/people").text
    assert f'data-user="{username}"' in listing
    assert password not in listing  # shown once
    clerk = app.test_client()
    answer = sign_in(clerk, username, password)
    assert answer.headers["Location"].endswith("/password")
    # Every other page sends them back to choose their own.
    assert clerk.get("/township/").headers["Location"].endswith("/password")
    assert "data-must-change" in clerk.get("/password").text
    changed = clerk.post(
        "/password",
        data={"current_password": password, "new_password": NEW, "confirm_password": NEW},
    )
    assert changed.status_code == 200
    assert clerk.get("/township/").status_code == 200
    # Disabled: the open session ends at its next request.
    disabled = officer.post(f"/county/people/{username}/disable")
    assert disabled.status_code == 302
    assert clerk.get("/township/").headers["Location"].startswith("/login")
    refused = sign_in(app.test_client(), username, NEW)
    assert refused.status_code == 403
    officer.post(f"/county/people/{username}/enable")
    reset = officer.post(f"/county/people/{username}/password-reset")
    assert sign_in(app.test_client(), username, one_time_password(reset.text)).status_code == 302


def test_an_officer_adds_and_renames_a_township(site, as_role):
    officer = as_role("county_officer")
    code = unique("town")
    added = officer.post("/county/places", data={"code": code, "name": "新建镇"})
    assert added.status_code == 302
    assert "新建镇" in officer.get("/county/places").text
    officer.post(f"/county/places/{code}/name", data={"name": "改名镇"})
    assert "改名镇" in officer.get("/county/places").text
    bad = officer.post("/county/places", data={"code": "Not A Code", "name": "x"})
    assert bad.status_code == 400
    assert 'class="field-error"' in bad.text
    far = officer.post(f"/county/places/{site.other_township}/name", data={"name": "x"})
    assert far.status_code == 404


def test_the_administrator_creates_a_county_and_its_officer(app, as_role):
    admin = as_role("admin")
    code = unique("county")
    made = admin.post("/admin/counties", data={"code": code, "name": "新县"})
    assert made.headers["Location"].endswith(f"/admin/counties/{code}")
    page = admin.post(f"/admin/counties/{code}/officers", data={"username": unique("officer")})
    assert page.status_code == 200
    assert one_time_password(page.text)
    suspended = admin.post(f"/admin/counties/{code}/suspend")
    assert suspended.status_code == 302
    assert "data-suspended" in admin.get(f"/admin/counties/{code}").text
    twice = admin.post("/admin/counties", data={"code": code, "name": "又一个"})
    assert twice.status_code == 400 and "field-error" in twice.text


def test_the_auditor_sees_who_held_what_and_every_change(site, as_role):
    officer = as_role("county_officer")
    username = unique("head")
    officer.post(
        "/county/people", data={"username": username, "role": "head", "township": site.township}
    )
    officer.post(f"/county/people/{username}/disable")
    page = as_role("auditor").get("/audit/rights").text
    assert f'<tr data-user="{username}">' in page
    assert 'data-change="user_disabled"' in page and "停用账号" in page
    before = as_role("auditor").get("/audit/rights?at=2001-01-01T00:00:00").text
    assert f'data-user="{username}"' not in before
    bad = as_role("auditor").get("/audit/rights?at=yesterday")
    assert bad.status_code == 400 and "field-error" in bad.text
    assert "测试县 · 权限记录" in bad.text  # the form again, under the county's name
