"""Data-quality flags in Chromium: the demo county's 2024 was recorded now, long after its
business dates, so every township that recorded is flagged backfilled; the county officer sees
the flag beside the rank, reads why, and opens an entry behind it; the head sees the same flag
on the dashboard."""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_officer_reads_a_flag_beside_the_rank_and_opens_an_entry_behind_it(visit, server):
    page = visit()
    log_in(page, server, "officer")
    page.goto(f"{server}/county/?period=2024")
    flags = page.locator('tr[data-township="gongliu"] td[data-flags]')
    assert flags.inner_text() == "集中补录"
    sentence = page.locator('[data-quality="gongliu"] + ul li[data-flag="backfilled"]')
    assert "在业务日期 30 天之后才登记，超过提示线 20%。" in sentence.inner_text()
    screenshot(page, "ranking-flags")
    first = sentence.locator("a[data-entry]").first
    entry_id = first.get_attribute("data-entry")
    with page.expect_navigation():
        first.click()
    assert entry_id in page.inner_text("h1")
    assert page.locator("text=返回排名").count() == 1


def test_the_head_sees_the_townships_own_flag_on_the_dashboard(visit, server):
    page = visit()
    log_in(page, server, "head")
    page.goto(f"{server}/township/?period=2024")
    section = page.locator("section.quality")
    assert "集中补录" in section.inner_text()
    screenshot(page, "dashboard-flags")
