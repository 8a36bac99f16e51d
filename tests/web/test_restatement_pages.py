"""The restatement notice on the officer's ranking page, and the auditor's ranking as of a
moment: what changed a published rank (entries, or the weights), only the townships whose
rank changed, the entries counted and the first of them named, and a paged list of all."""

from __future__ import annotations

import json
import re

import pytest

from tests.support import OPERATOR, dispute, line, unique
from tests.web.conftest import sign_in

LATE = 60  # disputes: 120 events, past the notice's 20 and a page's 100


@pytest.fixture
def county(app, site):
    """A county of its own, its ranking published by the mediation rate alone: a resolves 2
    of 3 disputes (rank 1), b 1 of 2 (2), c none of 1 (3). Their issues rectified: a 0 of 1,
    b 1 of 1, c 1 of 4. An officer and an auditor signed in."""
    services, code = site.services, unique("county")
    services.tenancy.add_county(OPERATOR, code=code, name="更正县")
    towns = {key: unique(key) for key in "abc"}
    for key, name in (("a", "甲镇"), ("b", "乙镇"), ("c", "丙镇")):
        services.tenancy.add_township(OPERATOR, county=code, code=towns[key], name=name)
    lines = [
        *dispute(towns["a"], "D-1", "2024-02-01", resolved=True),
        *dispute(towns["a"], "D-2", "2024-02-01", resolved=True),
        *dispute(towns["a"], "D-3", "2024-02-01", resolved=False),
        *dispute(towns["b"], "D-1", "2024-02-01", resolved=True),
        *dispute(towns["b"], "D-2", "2024-02-01", resolved=False),
        *dispute(towns["c"], "D-1", "2024-02-01", resolved=None),
        *issues(towns["a"], 1, 0),
        *issues(towns["b"], 1, 1),
        *issues(towns["c"], 4, 1),
    ]
    services.interchange.import_lines(OPERATOR, [json.dumps(x, ensure_ascii=False) for x in lines])
    people = {}
    for role in ("county_officer", "auditor"):
        people[role] = app.test_client()
        assert sign_in(people[role], site.add_user(role, county=code)).status_code == 302
    weights = {"use:rates.mediation_success": "1", "weight:rates.mediation_success": "1"}
    assert people["county_officer"].post("/county/indicators", data=weights).status_code == 302
    receipt = services.publications.publish_ranking(OPERATOR, county=code, period="2024")
    return code, towns, people, receipt


def issues(town: str, found: int, rectified: int) -> list[dict]:
    lines = []
    for n in range(found):
        found_line = line(town, "issue_found", f"I-{n}", "2024-03-01", category="消防",
                          description="通道堵塞", deadline="2024-04-01")  # fmt: skip
        lines.append(found_line)
        if n < rectified:
            lines.append(line(town, "issue_rectified", f"I-{n}", "2024-03-10"))
    return lines


def notice_of(page: str) -> str:
    found = re.search(r'<section class="alarm restatement".*?</section>', page, re.S)
    assert found, "no restatement notice"
    return found.group(0)


def test_new_weights_are_named_and_only_moved_ranks_listed(county):
    _, towns, people, receipt = county
    officer = people["county_officer"]
    assert 'class="alarm restatement"' not in officer.get("/county/?period=2024").text
    both = {
        "use:rates.mediation_success": "1",
        "weight:rates.mediation_success": "1",
        "use:rates.rectification": "1",
        "weight:rates.rectification": "1",
    }
    assert officer.post("/county/indicators", data=both).status_code == 302
    notice = notice_of(officer.get("/county/?period=2024").text)
    assert 'data-because="indicators"' in notice
    assert "排名的指标或权重有了改动" in notice and "之后登记或撤回的记录" not in notice
    weights = re.search(r"<p data-published-weights>(.*?)</p>", notice).group(1)
    assert weights == "发布时的指标与权重：调解成功率 ×1（现在的指标与权重见下方）"
    officer.get("/language/en")
    english = notice_of(officer.get("/county/?period=2024").text)
    shown = re.search(r"<p data-published-weights>(.*?)</p>", english).group(1)
    assert "×1" in shown and "、" not in shown and "：" not in shown, shown
    officer.get("/language/zh")
    # a (33.33) and b (75) swap; c's score moves (0 -> 12.5), its rank does not
    restated = set(re.findall(r'data-restated="([^"]+)"', notice))
    assert restated == {towns["a"], towns["b"]}
    assert "data-entry" not in notice and receipt.id in notice


def test_many_late_entries_are_counted_and_paged(site, county):
    code, towns, people, receipt = county
    late = [row for n in range(LATE) for row in dispute(towns["c"], f"L-{n}", "2024-06-01",
                                                          resolved=True)]  # fmt: skip
    site.services.interchange.import_lines(
        OPERATOR, [json.dumps(x, ensure_ascii=False) for x in late]
    )
    site.services.read_model.wait_for(site.services.read_model.recorded_position())
    officer = people["county_officer"]
    notice = notice_of(officer.get("/county/?period=2024").text)
    assert 'data-because="entries"' in notice
    assert 'data-changes="120"' in notice
    assert len(re.findall(r"data-entry=", notice)) == 20
    more = f"/county/publications/{receipt.id}/entries"
    assert f'href="{more}"' in notice and "查看全部 120 条记录" in notice
    first = officer.get(more)
    assert first.status_code == 200 and 'data-total="120"' in first.text
    assert len(re.findall(r"data-entry=", first.text)) == 100
    following = re.search(r'href="([^"]+)" rel="next"', first.text).group(1).replace("&amp;", "&")
    last = officer.get(following).text
    assert len(re.findall(r"data-entry=", last)) == 20 and 'rel="next"' not in last
    assert officer.get(f"{more}?cursor=x").status_code == 400

    auditor = people["auditor"]
    as_of = receipt.published_at
    page = auditor.get(f"/audit/ranking?period=2024&as_of={as_of}").text
    assert 'data-changes="120"' in page and len(re.findall(r"data-entry=", page)) == 20
    listed = re.search(r'href="(/audit/ranking/entries\?[^"]+)"', page).group(1)
    rest = auditor.get(listed.replace("&amp;", "&"))
    assert rest.status_code == 200 and len(re.findall(r"data-entry=", rest.text)) == 100
    figures = auditor.get(f"/audit/figures?township={towns['c']}&period=2024&as_of={as_of}").text
    listed = re.search(r'href="(/audit/figures/entries\?[^"]+)"', figures).group(1)
    assert auditor.get(listed.replace("&amp;", "&")).status_code == 200
    assert code
