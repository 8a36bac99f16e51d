"""Bulk onboarding from the county's Excel workbook, over Flask's client: the Chinese
template filled in and uploaded creates every township and person (one-time passwords shown
once); one bad row names each bad row and creates nothing."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.support import unique
from tests.web.conftest import sign_in


def filled(template: bytes, townships: list[tuple], people: list[tuple]) -> bytes:
    book = load_workbook(io.BytesIO(template))
    assert book.sheetnames == ["乡镇", "人员", "说明"]
    assert [c.value for c in book["人员"][1]] == ["用户名", "角色", "乡镇代码"]
    for row in townships:
        book["乡镇"].append(row)
    for row in people:
        book["人员"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes):
    return client.post(
        "/county/onboarding",
        data={"file": (io.BytesIO(data), "开户.xlsx")},
        content_type="multipart/form-data",
    )


def test_a_filled_template_creates_everyone_or_nobody(app, site, as_role):
    officer = as_role("county_officer")
    template = officer.get("/county/onboarding/template.xlsx")
    assert template.status_code == 200
    town, clerk, auditor = unique("town"), unique("clerk"), unique("auditor")
    bad = filled(
        template.data,
        [(town, "新开镇"), ("Bad Code", "坏镇")],
        [
            (clerk, "镇办事员", town),
            (unique("x"), "县依法治县办", site.township),
            (auditor, "审计", None),
        ],
    )
    refused = upload(officer, bad)
    assert refused.status_code == 400
    listed = re.findall(r"<li>(.*?)</li>", refused.text)
    assert len(listed) == 2
    assert "“乡镇”表第 3 行" in listed[0] and "乡镇代码" in listed[0]
    assert "“人员”表第 3 行" in listed[1] and "角色" in listed[1]
    assert f'data-user="{clerk}"' not in officer.get("/county/people").text
    good = filled(
        template.data, [(town, "新开镇")], [(clerk, "镇办事员", town), (auditor, "审计", None)]
    )
    made = upload(officer, good)
    assert made.status_code == 200
    passwords = dict(
        re.findall(
            r'<tr data-user="([^"]+)"><td>[^<]+</td><td><code data-one-time-password>([^<]+)<',
            made.text,
        )
    )
    assert set(passwords) == {clerk, auditor}
    answer = sign_in(app.test_client(), clerk, passwords[clerk])
    assert answer.headers["Location"].endswith("/password")
    assert "新开镇" in officer.get("/county/places").text


def test_a_file_that_is_no_workbook_is_refused_naming_it(as_role):
    officer = as_role("county_officer")
    for data in (b"", b"not a workbook"):
        answer = upload(officer, data)
        assert answer.status_code == 400
        assert 'role="alert"' in answer.text
