"""Peer groups on the pages: the officer types each township's group; the ranking page shows
each township's group and rank within it, by the group's own weights when it has them (set
through the API, and kept by the page); a refused group name is said beside its field."""

from __future__ import annotations

import io
import re

import openpyxl

from tests.support import OPERATOR
from tests.web.conftest import field_error
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
