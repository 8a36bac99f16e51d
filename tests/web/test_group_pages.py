"""Peer groups on the pages: the officer types each township's group; the ranking page shows
each township's group and rank within it, by the group's own weights when it has them (set
through the API, and kept by the page); a refused group name is said beside its field."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from tests.support import OPERATOR, PASSWORD, dispute, unique
from tests.web.conftest import field_error, sign_in
from tests.web.test_weights import county  # noqa: F401  (the fixture)


def group_ranks(html: str) -> dict[str, tuple[str, str]]:
    """Each township row's group and rank within it, as the ranking page shows them."""
    rows = re.findall(
        r'<tr data-township="([^"]+)">.*?data-group="([^"]*)".*?data-group-rank="([^"]*)"',
        html,
        flags=re.S,
    )
    return {town: (group, rank) for town, group, rank in rows}


def test_the_officer_groups_townships_and_the_ranking_shows_ranks_within(site, county):  # noqa: F811
    code, (first, second), people = county
    page, _ = people["county_officer"]
    assert "data-group=" not in page.get("/county/?period=2024").text
    form = page.get("/county/groups")
    assert form.status_code == 200 and "乡镇分组" in form.text
    answer = page.post("/county/groups", data={f"group:{first}": "镇", f"group:{second}": "镇"})
    assert answer.status_code == 302
    groups = site.services.rankings.groups(OPERATOR, county=code)
    assert groups == [{"name": "镇", "townships": [first, second]}]
    # second resolved its dispute, first did not: second ranks first overall and in the group
    assert group_ranks(page.get("/county/?period=2024").text) == {
        second: ("镇", "1"),
        first: ("镇", "2"),
    }
    # a group's own indicators (through the API) are kept when the page saves again
    own = [{"figure": "disputes.registered", "direction": "higher", "weight": 1}]
    site.services.rankings.set_groups(
        OPERATOR, county=code, groups=[{"name": "镇", "townships": [first], "indicators": own}]
    )
    page.post("/county/groups", data={f"group:{first}": "镇", f"group:{second}": "街道"})
    kept = site.services.rankings.groups(OPERATOR, county=code)
    assert kept == [
        {"name": "镇", "townships": [first], "indicators": own},
        {"name": "街道", "townships": [second]},
    ]
    assert group_ranks(page.get("/county/?period=2024").text) == {
        second: ("街道", "1"),
        first: ("镇", "1"),
    }
    # the workbook: the group and the rank within it, in the last two columns
    book = openpyxl.load_workbook(io.BytesIO(page.get("/county/ranking.xlsx?period=2024").data))
    cells = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    header = next(r for r in cells if "分组" in r)
    assert header[-2:] == ["分组", "组内名次"]
    rows = {r[1]: r[-2:] for r in cells[cells.index(header) + 1 :] if r[1]}
    assert rows == {"0镇": ["镇", 1], "1镇": ["街道", 1]}


def test_a_bad_group_name_is_refused_beside_its_field(county):  # noqa: F811
    code, (first, _), people = county
    page, _ = people["county_officer"]
    refused = page.post("/county/groups", data={f"group:{first}": "镇\u202e"})
    assert refused.status_code == 400
    assert field_error(refused.text) == ["groups[1].name"]
    assert 'value="镇\u202e"' in refused.text
    auditor, _ = people["auditor"]
    assert auditor.get("/county/groups").status_code in (403, 404)


@pytest.fixture
def grouped(app, site):
    """A county of its own with four townships in two groups, 镇 (a, b) and 乡 (c, d), and its
    officer signed in to the pages and holding a token. a registered three disputes and
    mediated one without success, b resolved its one: by the county's rates b ranks above a,
    by the number of disputes registered a above b. c resolved its one, d failed."""
    services, code = site.services, unique("county")
    towns = {key: unique("town") for key in "abcd"}
    services.tenancy.add_county(OPERATOR, code=code, name="分组县")
    for key, town in towns.items():
        services.tenancy.add_township(OPERATOR, county=code, code=town, name=f"{key}镇")
    lines = [
        *dispute(towns["a"], "D-1", "2024-02-01", resolved=False),
        *dispute(towns["a"], "D-2", "2024-02-01", resolved=None),
        *dispute(towns["a"], "D-3", "2024-02-01", resolved=None),
        *dispute(towns["b"], "D-1", "2024-02-01", resolved=True),
        *dispute(towns["c"], "D-1", "2024-02-01", resolved=True),
        *dispute(towns["d"], "D-1", "2024-02-01", resolved=False),
    ]
    services.interchange.import_lines(OPERATOR, [json.dumps(line) for line in lines])
    username = site.add_user("county_officer", county=code)
    page, script = app.test_client(), app.test_client()
    assert sign_in(page, username).status_code == 302
    token = script.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
    script.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['token']}"
    placed = {f"group:{towns[k]}": "镇" if k in "ab" else "乡" for k in towns}
    assert page.post("/county/groups", data=placed).status_code == 302
    services.read_model.wait_for(services.read_model.recorded_position())
    return code, towns, page, script


def overall_ranks(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-township="([^"]+)">\s*<td>([^<]*)</td>', html))


def checked(html: str) -> set[str]:
    """The indicators the form has ticked."""
    return set(re.findall(r'name="use:([\w.]+)" value="1" checked', html))


def test_a_groups_own_weights_set_from_the_page_rank_that_group_alone(site, grouped):
    code, t, page, script = grouped
    before = page.get("/county/?period=2024").text
    assert group_ranks(before) == {
        t["a"]: ("镇", "2"),
        t["b"]: ("镇", "1"),
        t["c"]: ("乡", "1"),
        t["d"]: ("乡", "2"),
    }
    choice = page.get("/county/indicators")
    assert ">分组：镇<" in choice.text and ">分组：乡<" in choice.text
    form = page.get("/county/indicators?group=镇")
    assert form.status_code == 200
    assert 'data-group-indicators="county"' in form.text  # the county's, as a starting point
    county_weights = site.services.rankings.indicators(OPERATOR, county=code)
    assert checked(form.text) == {w["figure"] for w in county_weights}
    assert "改用全县的指标" not in form.text
    own = {"use:disputes.registered": "1", "weight:disputes.registered": "2"}
    answer = page.post("/county/indicators?group=镇", data=own)
    assert answer.status_code == 302
    assert "已保存“镇”自己的指标" in page.get(answer.location).text
    weights = [{"figure": "disputes.registered", "direction": "higher", "weight": 2}]
    assert site.services.rankings.groups(OPERATOR, county=code) == [
        {"name": "镇", "townships": [t["a"], t["b"]], "indicators": weights},
        {"name": "乡", "townships": [t["c"], t["d"]]},
    ]
    after = page.get("/county/?period=2024").text
    assert group_ranks(after) == {
        t["a"]: ("镇", "1"),
        t["b"]: ("镇", "2"),
        t["c"]: ("乡", "1"),
        t["d"]: ("乡", "2"),
    }
    assert overall_ranks(after) == overall_ranks(before)  # the county's ranking is its own
    here = f"/api/v1/counties/{code}/ranking?period=2024"
    town = script.get(f"{here}&group=镇").get_json()
    assert town["weights"] == weights
    assert [r["township"] for r in town["townships"] if r["rank"] == 1] == [t["a"]]
    assert script.get(f"{here}&group=乡").get_json()["weights"] == county_weights
    # the form now holds the group's own, and offers to go back to the county's
    form = page.get("/county/indicators?group=镇")
    assert 'data-group-indicators="own"' in form.text
    assert checked(form.text) == {"disputes.registered"}
    assert "（有本组自己的指标）" in page.get("/county/indicators").text
    # the county's own form is untouched by the group's
    assert checked(page.get("/county/indicators").text) == {w["figure"] for w in county_weights}
    # saved unchanged: nothing recorded
    again = page.post("/county/indicators?group=镇", data=own)
    assert "“镇”的指标没有变化" in page.get(again.location).text
    removed = page.post("/county/indicators?group=镇", data={"remove": "1"})
    assert removed.status_code == 302
    assert "已删除“镇”自己的指标" in page.get(removed.location).text
    assert site.services.rankings.groups(OPERATOR, county=code) == [
        {"name": "镇", "townships": [t["a"], t["b"]]},
        {"name": "乡", "townships": [t["c"], t["d"]]},
    ]
    assert group_ranks(page.get("/county/?period=2024").text) == group_ranks(before)
    assert script.get(f"{here}&group=镇").get_json()["weights"] == county_weights


def test_a_groups_bad_weight_or_an_unknown_group_is_refused_beside_its_field(site, grouped):
    code, _, page, _ = grouped
    kept = site.services.rankings.groups(OPERATOR, county=code)
    bad = {"use:disputes.registered": "1", "weight:disputes.registered": "很多"}
    refused = page.post("/county/indicators?group=乡", data=bad)
    assert refused.status_code == 400
    assert field_error(refused.text) == ["groups[2].indicators[1].weight"]
    assert 'value="很多"' in refused.text
    assert "分组[2].指标[1].权重：" in refused.text  # the message above the form, by labels
    none = page.post("/county/indicators?group=乡", data={})
    assert none.status_code == 400
    assert field_error(none.text) == ["groups[2].indicators"]
    assert site.services.rankings.groups(OPERATOR, county=code) == kept
    unknown = page.get("/county/indicators?group=街道")
    assert unknown.status_code == 400
    assert field_error(unknown.text) == ["group"]
    assert "没有名为" in unknown.text and "街道" in unknown.text
    assert page.post("/county/indicators?group=街道", data=bad).status_code == 400
    assert site.services.rankings.groups(OPERATOR, county=code) == kept


def test_a_groups_own_indicators_in_english_show_no_chinese_punctuation(grouped):
    _, _, page, _ = grouped
    own = {"use:disputes.registered": "1", "weight:disputes.registered": "2"}
    page.post("/county/indicators?group=镇", data=own)
    page.post("/county/indicators?group=乡", data=own)
    page.get("/county/groups")  # the notices said, in Chinese
    page.get("/language/en")
    for path in ("/county/groups", "/county/indicators", "/county/indicators?group=镇"):
        text = page.get(path).text.split('<main id="main">')[1]
        text = re.sub(r"<[^>]+>", " ", text).replace("分组县", "").replace("镇", "")
        text = text.replace("乡", "")  # the county's and the groups' own names
        assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", text), (path, text)
    assert "Group: 镇 (its own indicators)" in page.get("/county/indicators").text
