"""The flows of the web issue in Chromium against a real server."""

from __future__ import annotations

import io
from datetime import date
from urllib.parse import urlsplit

import pytest
from docx import Document
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


def fits(page, width: int) -> bool:
    """Nothing makes the page scroll sideways (a table may scroll in its own box)."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_township_pages_fit_a_phone(visit, server):
    page = visit(width=375, height=740)
    log_in(page, server, "clerk")
    for path in (
        "/township/",
        "/township/entries",
        "/township/record/session_held",
        "/township/report?year=2024",
    ):
        page.goto(f"{server}{path}")
        assert fits(page, 375), path
    preview = page.frame_locator("iframe.preview").locator("html")
    assert preview.evaluate("e => e.scrollWidth <= e.clientWidth")  # the report flows


def test_a_business_date_three_days_ahead_is_refused_naming_the_field(visit, server):
    page = visit()
    log_in(page, server, "clerk")
    page.goto(f"{server}/township/record/dispute_registered")
    entry_id = page.input_value("#f-id")
    ahead = page.evaluate(
        "() => { const d = new Date(Date.now() + 3 * 864e5); return d.toISOString().slice(0, 10); }"
    )
    page.fill("#f-occurred_on", ahead)
    page.select_option("#f-source", "petition")
    page.fill("#f-category", "宅基地")
    page.click("form.narrow button[type=submit]")
    field = page.locator(".field.invalid")
    assert field.count() == 1 and "发生日期" in field.locator("label").inner_text()
    assert "不能晚于今天" in field.locator(".field-error").inner_text()
    assert page.input_value("#f-id") == entry_id  # what was typed is kept
    page.goto(f"{server}/township/entries/{entry_id}")
    assert "没有找到该记录" in page.inner_text("h1")


def test_a_county_officer_reweighs_the_ranking_and_accepts_a_report(visit, server, tmp_path):
    head = visit()
    log_in(head, server, "head")
    head.goto(f"{server}/township/report?year=2024")
    head.click("text=报送 2024 年度报告")
    assert "已报送 2024 年度报告" in head.inner_text("[data-done]")
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
    assert "已保存排名指标" in page.inner_text("[data-done]")
    weight = page.locator('table.weights tr[data-figure="rates.mediation_success"] td')
    assert weight.last.inner_text() == "3"

    page.click('table.ranking a:has-text("巩留镇")')
    rows = page.locator("table.breakdown tbody tr")
    assert rows.count() == 5
    assert "rates.mediation_success" in page.inner_html("table.breakdown")
    page.wait_for_selector("#trend-chart[data-drawn=true]")
    screenshot(page, "county-breakdown")

    # The officer reads the report as submitted (its preview, its DOCX), then accepts it.
    page.goto(f"{server}/county/reports?period=2024")
    page.click('tr[data-township="gongliu"] >> text=阅读并答复')
    preview = page.frame_locator("iframe.preview")
    assert preview.locator("h1").inner_text() == "巩留镇2024年法治政府建设工作情况报告"
    with page.expect_download() as docx:
        page.click("text=下载Word文档（DOCX）")
    text = "\n".join(p.text for p in Document(docx.value.path()).paragraphs)
    assert text.startswith("巩留镇2024年法治政府建设工作情况报告")
    # (Scrolled to first: below the preview's frame, Playwright's own scrolling left the
    # click without effect.)
    page.locator("button[value=accept]").scroll_into_view_if_needed()
    with page.expect_navigation():
        page.click("button[value=accept]")
    assert "已采纳巩留镇 2024 年度报告，并已发布" in page.inner_text("[data-done]")
    assert "已采纳" in page.inner_text('tr[data-township="gongliu"]')

    # The head can no longer submit that year: no button, and a forged form is refused.
    head.goto(f"{server}/township/report?year=2024")
    assert "采纳" in head.inner_text("[data-report-status]")
    assert head.locator("text=报送 2024 年度报告").count() == 0
    with head.expect_navigation():
        head.evaluate(
            """() => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/township/report/submit";
                for (const [name, value] of [["year", "2024"], ["csrf_token",
                        document.querySelector("input[name=csrf_token]").value]]) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }"""
        )
    assert "已被县级采纳，不再重新报送" in head.inner_text(".field-error")
    head.goto(f"{server}/township/report?year=2024")
    assert "采纳" in head.inner_text("[data-report-status]")


def test_the_county_pages_fit_a_phone(visit, server):
    page = visit(width=375, height=740)
    log_in(page, server, "officer")
    for path in ("/county/?period=2024", "/county/reports?period=2024", "/county/indicators"):
        page.goto(f"{server}{path}")
        assert fits(page, 375), path
    page.goto(f"{server}/county/?period=2024")
    name = page.locator('table.ranking a:has-text("阿尕尔森镇")')
    assert name.bounding_box()["height"] < 2 * name.evaluate(
        "e => parseFloat(getComputedStyle(e).lineHeight) || 24"
    )  # one line, not a character a line


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
    ledger = open_ledger(Settings(two_factor="optional", database_url=served_database))
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
