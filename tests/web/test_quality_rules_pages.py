"""The data-quality rules on the county's page: each rule's settings in force beside its
defaults, a share typed in percent; the officer sets a threshold and the ranking's flags
follow it, only what changed recorded; a bad value is refused beside its field and nothing
recorded; the township's people and the auditor are refused. The county of
tests/web/test_weights.py recorded its 2024 disputes now: both townships are backfilled."""

from __future__ import annotations

import html
import re

import pytest

from domain.tenancy import county_uuid
from tests.support import OPERATOR
from tests.web.conftest import field_error
from tests.web.test_quality_pages import flags_cell
from tests.web.test_weights import county  # noqa: F401  (the fixture)

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
SETTINGS = (
    "backfilled.days",
    "backfilled.above",
    "rushed.days",
    "rushed.above",
    "same_day_closures.min_closed",
    "same_day_closures.above",
    "retractions.above",
)


def typed(page: str) -> dict[str, str]:
    """The form's settings as the page fills them in."""
    found = re.findall(r'<input id="f-[\w.]+" name="([\w.]+)"[^>]*value="([^"]*)"', page)
    return {name: html.unescape(value) for name, value in found}


def shown(page: str) -> str:
    """The page's main text as the reader sees it (no tags, no attributes)."""
    main = page.split('<main id="main">')[1].split("</main>")[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def history(site, code: str) -> list[dict]:
    return [
        rules for _, rules in site.services.app.repository.get(county_uuid(code)).quality_history
    ]


def test_the_officer_sets_a_threshold_and_the_flags_follow(site, county):  # noqa: F811
    code, (first, second), people = county
    page, _ = people["county_officer"]
    ranking = page.get("/county/?period=2024").text
    assert 'href="/county/quality-rules"' in ranking
    assert flags_cell(ranking, first) == flags_cell(ranking, second) == "backfilled"
    form = page.get("/county/quality-rules")
    assert form.status_code == 200
    assert typed(form.text) == {
        "backfilled.days": "30",
        "backfilled.above": "20",
        "rushed.days": "7",
        "rushed.above": "50",
        "same_day_closures.min_closed": "20",
        "same_day_closures.above": "90",
        "retractions.above": "10",
    }
    text = shown(form.text)
    for name in ("集中补录", "截止前突击登记", "当日办结偏多", "撤回偏多", "现行 20%，默认 20%"):
        assert name in text
    assert not re.search(r"[a-z]+_[a-z]+", text), text
    # the backfilled threshold at 100 %: a share of 100 % is not above it
    answer = page.post(
        "/county/quality-rules", data={**typed(form.text), "backfilled.above": "100"}
    )
    assert answer.status_code == 302
    assert "已保存数据质量规则" in page.get(answer.location).text
    assert history(site, code) == [{"backfilled": {"above": 1.0}}]  # only what changed
    assert site.services.quality.rules(OPERATOR, county=code)["backfilled"] == {
        "days": 30,
        "above": 1.0,
    }
    ranking = page.get("/county/?period=2024").text
    assert flags_cell(ranking, first) == flags_cell(ranking, second) == ""
    again = page.get("/county/quality-rules")
    assert "现行 100%，默认 20%" in shown(again.text)
    # saved unchanged: nothing recorded
    unchanged = page.post("/county/quality-rules", data=typed(again.text))
    assert "数据质量规则没有变化" in page.get(unchanged.location).text
    assert len(history(site, code)) == 1
    # a share typed with a fraction of a percent
    page.post("/county/quality-rules", data={**typed(again.text), "retractions.above": "12.5"})
    assert history(site, code)[-1] == {"retractions": {"above": 0.125}}
    assert typed(page.get("/county/quality-rules").text)["retractions.above"] == "12.5"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("backfilled.above", "-5", "须为 0 至 100 之间的百分数"),
        ("rushed.above", "150", "须为 0 至 100 之间的百分数"),
        ("retractions.above", "十", "须为 0 至 100 之间的百分数"),
        ("same_day_closures.min_closed", "abc", "须为 1 至 100000 之间的整数"),
        ("backfilled.days", "-1", "须为 0 至 366 之间的整数"),
        ("rushed.days", "400", "须为 1 至 366 之间的整数"),
        ("rushed.days", "٣", "须为 1 至 366 之间的整数"),
        ("backfilled.above", "²", "须为 0 至 100 之间的百分数"),
        ("retractions.above", "NaN", "须为 0 至 100 之间的百分数"),
    ],
)
def test_a_bad_value_is_refused_beside_its_field_and_nothing_is_recorded(
    site,
    county,  # noqa: F811
    field,
    value,
    said,
):
    code, _, people = county
    page, _ = people["county_officer"]
    form = typed(page.get("/county/quality-rules").text)
    refused = page.post(
        "/county/quality-rules", data={**form, "backfilled.above": "50", field: value}
    )
    assert refused.status_code == 400
    assert field_error(refused.text) == [field]
    assert said in refused.text
    assert typed(refused.text)[field] == value  # what was typed, kept
    assert not re.search(r"[a-z]+_[a-z]+", shown(refused.text))
    assert history(site, code) == []


def test_the_page_in_english_has_no_chinese_punctuation(county):  # noqa: F811
    _, _, people = county
    page, _ = people["county_officer"]
    page.get("/language/en")
    text = shown(page.get("/county/quality-rules").text).replace("权重县", "")  # its name
    assert "Backfilled" in text and "in force 20%, default 20%" in text
    assert not CJK.search(text), CJK.findall(text)
    refused = page.post("/county/quality-rules", data={"backfilled.above": "abc"})
    assert refused.status_code == 400
    assert "percentage from 0 to 100" in refused.text
    assert not CJK.search(shown(refused.text).replace("权重县", ""))


def test_the_townships_people_and_the_auditor_are_refused(site, as_role, county):  # noqa: F811
    code, _, people = county
    auditor, _ = people["auditor"]
    clients = [auditor, as_role("clerk"), as_role("head")]
    for client in clients:
        assert client.get("/county/quality-rules").status_code == 403
        refused = client.post("/county/quality-rules", data={"backfilled.above": "100"})
        assert refused.status_code == 403
    assert history(site, code) == []
    assert history(site, site.county) == []
