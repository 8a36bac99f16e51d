"""Trends on the pages (issue 22 item 5): the county's breakdown page and the township's own
page show every figure by quarter and year, each cell's direction against a year before as an
arrow with its words, in Chinese; the chart's JSON; a bad year named, never a 500."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import OPERATOR, dispute, unique
from tests.web.conftest import sign_in


@pytest.fixture(scope="module")
def place(app, site):
    """A county of its own with 丙镇: disputes 2023-Q1 1 (resolved), 2024-Q1 2 (1 resolved),
    2024-Q2 1 (none in 2023-Q2); a signed-in officer and clerk."""
    tenancy = site.services.tenancy
    county, town = unique("county"), unique("bing")
    tenancy.add_county(OPERATOR, code=county, name="走势县")
    tenancy.add_township(OPERATOR, county=county, code=town, name="丙镇")
    lines = [
        *dispute(town, "T-1", "2023-02-01", resolved=True),
        *dispute(town, "T-2", "2024-02-01", resolved=True),
        *dispute(town, "T-3", "2024-02-02", resolved=False),
        *dispute(town, "T-4", "2024-05-02", resolved=None),
    ]
    site.services.interchange.import_lines(
        OPERATOR, [json.dumps(line, ensure_ascii=False) for line in lines]
    )
    site.services.read_model.wait_for(site.services.read_model.recorded_position())
    clients = {}
    for role, scope in (("county_officer", {"county": county}), ("clerk", {"township": town})):
        clients[role] = app.test_client()
        assert sign_in(clients[role], site.add_user(role, **scope)).status_code == 302
    return town, clients


def cell(page: str, figure: str, period: str) -> str:
    """The words of a cell of the trends' table (after the breakdown's own table)."""
    trends = page[page.index('id="h-trends"') :]
    row = re.search(rf'<tr data-figure="{re.escape(figure)}">(.*?)</tr>', trends, re.S).group(1)
    found = re.search(rf'<td class="number" data-period="{period}"[^>]*>(.*?)</td>', row, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def test_the_breakdown_page_shows_each_figure_against_a_year_before(place):
    town, clients = place
    page = clients["county_officer"].get(f"/county/townships/{town}?period=2024").text
    assert '<h2 id="h-trends">历年走势</h2>' in page
    assert '<th scope="col" class="number">2023年第一季度</th>' in page  # 2023 and 2024
    assert '<th scope="col" class="number">2024年</th>' in page
    assert cell(page, "disputes.registered", "2024-Q1") == "2 ↑ 比上年同期上升"
    assert cell(page, "disputes.registered", "2024-Q2") == "1"  # 2023-Q2: no data
    assert cell(page, "disputes.registered", "2023-Q2") == "无数据"
    assert cell(page, "disputes.resolved", "2024-Q1") == "1 → 与上年同期持平"
    # a rate the county ranks by: higher is better, so down is worse
    assert cell(page, "rates.mediation_success", "2024-Q1") == "50% ↓ 比上年同期下降，变差"
    trends = page[page.index('id="h-trends"') :]
    row = re.search(r'<tr data-figure="rates.mediation_success">(.*?)</tr>', trends, re.S)
    assert "越高越好" in row.group(1)
    assert 'data-src="/county/charts/trends/' in page


def test_the_years_are_chosen_and_a_bad_one_is_named(place):
    town, clients = place
    officer = clients["county_officer"]
    page = officer.get(f"/county/townships/{town}?period=2024&from=2022&to=2024").text
    assert "2022年第一季度" in page
    refused = officer.get(f"/county/townships/{town}?period=2024&from=2024&to=2035")
    assert refused.status_code == 400
    assert re.search(r"截止时刻：须为 2024 至 \d{4} 之间的年份，填写的是 2035", refused.text)
    typed = officer.get(f"/county/townships/{town}?period=2024&from=二〇二四")
    assert typed.status_code == 400
    assert "起始时刻：须为 1949 至" in typed.text and "填写的是 二〇二四" in typed.text


def test_the_chart_draws_the_rates_quarter_by_quarter(place):
    town, clients = place
    chart = (
        clients["county_officer"].get(f"/county/charts/trends/{town}.json?from=2023&to=2024").json
    )
    assert chart["labels"][:2] == ["2023年第一季度", "2023年第二季度"]
    assert len(chart["periods"]) == 8
    (success,) = [s for s in chart["series"] if s["name"] == "调解成功率"]
    assert success["values"][0] == 100.0 and success["values"][4] == 50.0
    assert success["values"][1] is None  # no data in 2023-Q2: no point
    own = clients["clerk"].get("/township/charts/trends.json?from=2023&to=2024").json
    assert own == chart


def test_the_township_reaches_its_own_trends_from_its_dashboard(place):
    town, clients = place
    clerk = clients["clerk"]
    dashboard = clerk.get("/township/").text
    assert 'href="/township/trends" data-link="trends"' in dashboard
    page = clerk.get("/township/trends").text
    assert "丙镇 · 历年走势" in page
    assert cell(page, "disputes.registered", "2024-Q1") == "2 ↑ 比上年同期上升"
    assert 'data-src="/township/charts/trends.json?from=2023&amp;to=2024"' in page
