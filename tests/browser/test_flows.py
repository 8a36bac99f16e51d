"""The flows of the web issue in Chromium against a real server."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from domain.access import Principal
from infra.settings import Settings
from infra.wiring import open_ledger
from tests.browser.conftest import log_in, screenshot
from tests.support import before_safe_ids

pytestmark = pytest.mark.browser


def figure(page, name: str) -> int:
    return int(page.locator(f'[data-figure="{name}"]').first.inner_text())


def test_a_clerk_records_a_mediated_dispute_imports_and_downloads_the_report(
    visit, server, tmp_path
):
    page = visit()
    log_in(page, server, "clerk")
    assert page.url.endswith("/township/")
    assert (figure(page, "disputes.registered"), figure(page, "disputes.resolved")) == (362, 330)
    screenshot(page, "township-dashboard")

    page.goto(f"{server}/township/record/dispute_registered")
    entry_id = page.input_value("#f-id")
    page.fill("#f-occurred_on", "2024-11-20")
    page.select_option("#f-source", "petition")
    page.fill("#f-category", "宅基地")
    screenshot(page, "record-dispute")
    page.click("form.narrow button[type=submit]")
    assert entry_id in page.inner_text("h1")
    page.fill("#f-occurred_on", "2024-11-25")
    page.select_option("#f-outcome", "resolved")
    page.select_option("#f-mediator", "legal_advisor")
    page.click("text=登记调解")
    page.goto(f"{server}/township/?period=2024")
    assert (figure(page, "disputes.registered"), figure(page, "disputes.resolved")) == (363, 331)

    page.goto(f"{server}/township/import")
    with page.expect_download() as template:
        page.click("text=下载Excel模板")
    book = load_workbook(io.BytesIO(template.value.path().read_bytes()))
    sheet = book["登记"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2, sheet.max_row)
    for entry, source in (("XL-1", "排查发现"), ("XL-2", "谣言")):
        row = dict.fromkeys(header)
        row.update({"类型": "排查矛盾纠纷", "编号": entry, "发生日期": "2024-12-01"})
        row.update({"来源": source, "类别": "邻里"})
        sheet.append([row[name] for name in header])
    upload = tmp_path / "entries.xlsx"
    book.save(upload)
    page.set_input_files("#f-file", str(upload))
    page.click("form.narrow button[type=submit]")
    errors = page.inner_text("section.errors")
    assert "第 3 行 · 来源：" in errors and "谣言" in errors and "source" not in errors
    page.goto(f"{server}/township/entries/XL-1")
    assert "没有找到该记录" in page.inner_text("h1")

    page.goto(f"{server}/township/report?year=2024")
    with page.expect_download() as report:
        page.click("text=下载Word文档（DOCX）")
    assert report.value.suggested_filename.endswith(".docx")
    assert report.value.path().read_bytes()[:2] == b"PK"


def test_the_township_pages_fit_a_phone(visit, server):
    page = visit(width=375, height=740)
    log_in(page, server, "clerk")
    for path in ("/township/", "/township/entries", "/township/record/session_held"):
        page.goto(f"{server}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_county_officer_reweighs_the_ranking_and_accepts_a_report(visit, server):
    head = visit()
    log_in(head, server, "head")
    head.goto(f"{server}/township/report?year=2024")
    head.click("text=报送 2024 年度报告")
    assert "等待县级答复" in head.inner_text("[data-report-status]")

    page = visit()
    log_in(page, server, "officer")
    assert "/county/" in page.url
    assert page.locator("table.ranking tbody tr").count() == 5
    page.wait_for_selector("#scores-chart[data-drawn=true]")
    screenshot(page, "county-ranking")

    page.goto(f"{server}/county/indicators")
    page.fill('input[name="weight:rates.mediation_success"]', "3")
    page.click("text=保存指标")
    weight = page.locator('table.weights tr[data-figure="rates.mediation_success"] td')
    assert weight.last.inner_text() == "3"

    page.click('table.ranking a:has-text("巩留镇")')
    rows = page.locator("table.breakdown tbody tr")
    assert rows.count() == 5
    assert "rates.mediation_success" in page.inner_html("table.breakdown")
    page.wait_for_selector("#trend-chart[data-drawn=true]")
    screenshot(page, "county-breakdown")

    page.goto(f"{server}/county/reports?period=2024")
    page.click('tr[data-township="gongliu"] button[value=accept]')
    assert "已采纳" in page.inner_text('tr[data-township="gongliu"]')
    head.goto(f"{server}/township/report?year=2024")
    assert "采纳" in head.inner_text("[data-report-status]")


def test_another_townships_clerk_gets_not_found_on_its_entry(visit, server):
    page = visit()
    log_in(page, server, "clerk")
    page.goto(f"{server}/township/record/liaison_registered")
    page.fill("#f-id", "gongliu-only-liaison")
    page.click("form.narrow button[type=submit]")
    entry_url = "/township/entry?id=gongliu-only-liaison"
    assert page.url.split("&")[0].endswith(entry_url)
    other = visit()
    log_in(other, server, "clerk2")
    theirs = other.goto(f"{server}{entry_url}")
    theirs_text = other.inner_text("main")
    missing = other.goto(f"{server}/township/entry?id=no-such-entry")
    assert theirs.status == missing.status == 404
    assert theirs_text == other.inner_text("main")


def test_an_entry_whose_id_holds_a_path_is_followed_up_and_retracted_in_the_browser(
    visit, server, served_database
):
    """An entry recorded before ids were limited, its id ``../../../x``: the list's link opens
    its page, whose forms follow it up and retract it."""
    old = "../../../浏览器-x"
    ledger = open_ledger(Settings(database_url=served_database))
    try:
        with before_safe_ids():
            ledger.entries.record(
                Principal.operator(),
                township="gongliu",
                type="dispute_registered",
                entry_id=old,
                occurred_on=date.today().isoformat(),
                fields={"source": "petition", "category": "宅基地"},
            )
    finally:
        ledger.close()
    page = visit()
    log_in(page, server, "clerk")
    page.goto(f"{server}/township/entries?type=dispute_registered&from={date.today()}")
    page.click(f"a:text-is('{old}')")
    assert urlsplit(page.url).path == "/township/entry"
    assert old in page.inner_text("h1")
    page.select_option("#f-outcome", "failed")
    page.select_option("#f-mediator", "volunteer")
    page.click("text=登记调解")
    assert urlsplit(page.url).path == "/township/entry" and old in page.inner_text("h1")
    assert "调解" in page.inner_text("ol.history")
    page.fill("#f-reason", "编号有误")
    page.click("button.danger")
    assert urlsplit(page.url).path == "/township/entry"
    assert "已撤回" in page.inner_text("main")
