"""The county office's ranking, breakdown, charts, indicators and workbook; the auditor's
history and figures as of a moment."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from domain.access import Principal
from tests.support import OPERATOR, PASSWORD, before_safe_ids, unique
from tests.web.conftest import sign_in

VERIFY_EXPORT = Path(__file__).parents[2] / "tools" / "verify_export.py"


def now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def caught_up(site) -> None:
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())


def looks(site, county: str) -> list[dict]:
    return site.services.trail.looks(Principal.operator(), county=county)


def rows(page: str, attribute: str) -> dict[str, str]:
    """The table rows of a page marked with ``attribute``: its value -> the row's HTML."""
    return dict(re.findall(rf'<tr {attribute}="([^"]+)"[^>]*>(.*?)</tr>', page, re.S))


def dispute(town: str, entry: str, occurred_on: str, outcome: str | None = None) -> list[str]:
    lines = [
        {
            "township": town,
            "type": "dispute_registered",
            "id": entry,
            "occurred_on": occurred_on,
            "source": "screening",
            "category": "土地",
        }
    ]
    if outcome:
        lines.append(
            {
                "township": town,
                "type": "dispute_mediated",
                "id": entry,
                "occurred_on": occurred_on,
                "outcome": outcome,
                "mediator": "other",
            }
        )
    return [json.dumps(line, ensure_ascii=False) for line in lines]


@pytest.fixture
def county_of_two(app, site):
    """A county of its own: 甲镇 with one dispute of two resolved, 乙镇 with its only one
    resolved (乙 first, 甲 second in 2024); a signed-in client for its officer, its auditor,
    and a clerk of 甲镇."""
    tenancy = site.services.tenancy
    county, first, second = unique("county"), unique("jia"), unique("yi")
    tenancy.add_county(OPERATOR, code=county, name="对照县")
    tenancy.add_township(OPERATOR, county=county, code=first, name="甲镇")
    tenancy.add_township(OPERATOR, county=county, code=second, name="乙镇")
    site.services.interchange.import_lines(
        OPERATOR,
        [
            *dispute(first, "D-1", "2024-03-01", "resolved"),
            *dispute(first, "D-2", "2024-03-02"),
            *dispute(second, "D-1", "2024-04-01", "resolved"),
        ],
    )
    caught_up(site)
    clients = {}
    for role, scope in (
        ("county_officer", {"county": county}),
        ("auditor", {"county": county}),
        ("clerk", {"township": first}),
    ):
        clients[role] = app.test_client()
        clients[f"{role}_name"] = site.add_user(role, **scope)
        assert sign_in(clients[role], clients[f"{role}_name"]).status_code == 302
    return county, first, second, clients


def ranks(page: str, column: str = "data-rank") -> dict[str, str]:
    found = {}
    for town, row in rows(page, "data-township").items():
        cell = re.search(rf"<td {column}>([^<]*)</td>", row)
        found[town] = cell.group(1) if cell else re.search(r"<td>(\d+|—)</td>", row).group(1)
    return found


def test_the_ranking_shows_weights_formula_and_every_township(as_role, site):
    page = as_role("county_officer").get("/county/?period=2024").text
    assert re.findall(r'<tr data-township="([^"]+)">', page)[0] == site.township
    assert site.neighbour in page
    assert "得分 = 100 × Σ（权重 × 计分值）÷ Σ（权重）" in page  # the formula, in Chinese
    assert '<tr data-figure="rates.mediation_success"><td>调解成功率</td>' in page


def test_a_breakdown_adds_up_to_the_score(as_role, site):
    page = as_role("county_officer").get(f"/county/townships/{site.township}?period=2024").text
    contributions = re.findall(r'<td class="number">([\d.]+)</td></tr>', page)
    score = re.search(r"得分 ([\d.]+)", page).group(1)
    assert contributions
    total = sum(Fraction(c) for c in contributions)
    assert abs(total - Fraction(score)) <= Fraction(len(contributions), 200)  # rounding


def test_charts_read_json_from_the_server(as_role, site):
    officer = as_role("county_officer")
    scores = officer.get("/county/charts/scores.json?period=2024").json
    # (every township of the county: other tests of the package may have added some)
    townships = site.services.tenancy.county(OPERATOR, site.county).townships
    assert len(scores["townships"]) == len(scores["scores"]) == len(townships) >= 2
    trend = officer.get(f"/county/charts/trend/{site.township}.json?period=2024").json
    assert trend["periods"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert trend["labels"] == [f"2024年第{n}季度" for n in "一二三四"]


def test_new_weights_change_the_ranking_and_bad_ones_are_named(as_role, site):
    officer = as_role("county_officer")
    refused = officer.post(
        "/county/indicators",
        data={"use:rates.rectification": "1", "weight:rates.rectification": "heavy"},
    )
    assert refused.status_code == 400 and "weight" in refused.text
    chosen = officer.post(
        "/county/indicators",
        data={
            "use:rates.rectification": "1",
            "weight:rates.rectification": "2",
            "direction:rates.rectification": "higher",
            "use:rates.hotline_answer": "1",
            "weight:rates.hotline_answer": "1",
        },
    )
    assert chosen.status_code == 302
    page = officer.get("/county/?period=2024").text
    weights = page.split('class="weights"')[1]
    assert weights.count("<tr data-figure=") == 2 and "rates.mediation_success" not in weights
    site.services.rankings.set_indicators(
        site.services.tenancy.principal(username=site.users["county_officer"]),
        county=site.county,
        indicators=[
            {"figure": f"rates.{n}", "direction": "higher", "weight": 1}
            for n in (
                "legality_review_coverage",
                "rectification",
                "on_time_rectification",
                "mediation_success",
                "hotline_answer",
            )
        ],
    )


def test_an_auditor_reads_the_figures_then_beside_today(as_role, site):
    clerk = as_role("clerk")
    before = now()
    entry = unique("D")
    clerk.post(
        "/township/record/dispute_registered",
        data={"id": entry, "occurred_on": "2024-09-09", "source": "volunteer", "category": "债务"},
    )
    caught_up(site)
    auditor = as_role("auditor")
    beside = auditor.get(f"/audit/figures?township={site.township}&period=2024&as_of={before}")
    then = int(re.search(r'data-then="disputes.registered">(\d+)<', beside.text).group(1))
    today = int(re.search(r'data-figure="disputes.registered">(\d+)<', beside.text).group(1))
    assert today == then + 1
    assert 'data-changed="disputes.registered"' in beside.text
    changed_by = rows(beside.text, "data-entry")
    assert entry in changed_by and "data-late" in changed_by[entry]  # months after 2024-09-09
    history = auditor.get(f"/audit/entries/{site.township}/{entry}").text
    assert site.users["clerk"] in history
    assert "data-late" in history and "天后才登记" in history
    actions = [look["action"] for look in looks(site, site.county)]
    assert f"history of entry {entry}" in actions
    assert any(a.startswith("figures of 2024 as of ") for a in actions)
    refused = auditor.get(f"/audit/figures?township={site.township}&period=2024&as_of=soon")
    assert refused.status_code == 400 and 'id="f-as-of-error"' in refused.text
    assert 'value="soon"' in refused.text


@pytest.mark.parametrize("role", ["far_auditor", "neighbour_clerk"])
def test_another_tenants_entry_answers_as_a_missing_one(as_role, site, role):
    client = as_role(role)
    path = "/audit/entries/{town}/{entry}" if role == "far_auditor" else "/township/entries/{entry}"
    entry = "D-2024-0001"
    theirs = client.get(path.format(town=site.township, entry=entry))
    missing = client.get(path.format(town=site.township, entry="no-such-entry"))
    assert theirs.status_code == missing.status_code == 404
    assert without_token(theirs.text) == without_token(missing.text)


def without_token(page: str) -> str:
    """A page without its CSRF token (signed with the time: it differs from one second to
    the next)."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token"', page)


def test_a_report_returned_needs_a_reason_which_the_township_then_reads(as_role, app, site):
    township = site.neighbour
    head_name = site.add_user("head", township=township)
    head = app.test_client()
    head.post("/login", data={"username": head_name, "password": PASSWORD})
    assert head.post("/township/report/submit", data={"year": "2023"}).status_code == 302
    officer = as_role("county_officer")
    page = officer.get(f"/county/reports/{township}/2023").text
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    answer = {"township": township, "submission": submission, "year": "2023"}
    refused = officer.post("/county/reports/answer", data={**answer, "answer": "return"})
    assert refused.status_code == 400 and 'id="reason-error"' in refused.text
    returned = officer.post(
        "/county/reports/answer", data={**answer, "answer": "return", "reason": "数据缺少附件"}
    )
    assert returned.status_code == 302
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())
    status = head.get("/township/report?year=2023").text
    assert 'data-report-status="returned"' in status and "数据缺少附件" in status


def test_a_published_ranking_comes_back_byte_for_byte_and_a_late_entry_restates_it(
    county_of_two, site
):
    county, first, second, users = county_of_two
    officer = users["county_officer"]
    assert officer.get("/county/publications").status_code == 200
    published = officer.post("/county/publications", data={"period": "2024"})
    assert published.status_code == 302
    receipt_page = officer.get(published.headers["Location"]).text
    publication = re.search(r"data-receipt-id>([^<]+)<", receipt_page).group(1)
    digest = re.search(r"data-receipt-sha256>([^<]+)<", receipt_page).group(1)
    data = officer.get(f"/county/publications/{publication}.json").data
    assert hashlib.sha256(data).hexdigest() == digest
    assert json.loads(data)["townships"][0]["township"] == second
    assert publication in rows(receipt_page, "data-publication")
    assert "data-restatement" not in officer.get("/county/?period=2024").text

    clerk = users["clerk"]
    clerk.post(
        "/township/follow-up",
        data={
            "id": "D-2",
            "type": "dispute_mediated",
            "occurred_on": "2024-03-09",
            "outcome": "resolved",
            "mediator": "volunteer",
        },
    )
    caught_up(site)
    page = officer.get("/county/?period=2024").text
    assert f'data-restatement="{publication}"' in page
    restated = rows(page, "data-restated")
    assert list(restated) == [first] and "甲镇" in restated[first]
    named = rows(page, "data-entry")
    assert list(named) == ["D-2"]
    assert "甲镇" in named["D-2"] and "调解" in named["D-2"] and "data-late" in named["D-2"]
    assert officer.get(f"/county/publications/{publication}.json").data == data


def test_a_bad_period_is_named_and_nothing_is_published(county_of_two, site):
    county, _, _, users = county_of_two
    refused = users["county_officer"].post("/county/publications", data={"period": "2024-13"})
    assert refused.status_code == 400 and 'id="period-error"' in refused.text
    assert site.services.publications.published(OPERATOR, county=county) == []


def test_an_accepted_report_is_shown_as_published(app, site):
    tenancy = site.services.tenancy
    county, town = unique("county"), unique("town")
    tenancy.add_county(OPERATOR, code=county, name="报告县")
    tenancy.add_township(OPERATOR, county=county, code=town, name="报告镇")
    head, officer = app.test_client(), app.test_client()
    sign_in(head, site.add_user("head", township=town))
    sign_in(officer, site.add_user("county_officer", county=county))
    assert head.post("/township/report/submit", data={"year": "2024"}).status_code == 302
    caught_up(site)
    page = officer.get(f"/county/reports/{town}/2024").text
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    answer = {"township": town, "submission": submission, "year": "2024", "answer": "accept"}
    assert officer.post("/county/reports/answer", data=answer).status_code == 302
    caught_up(site)
    (kept,) = site.services.publications.published(OPERATOR, county=county)
    reports = officer.get("/county/reports?period=2024").text
    assert f'data-publication="{kept["id"]}"' in reports
    data = officer.get(f"/county/publications/{kept['id']}.json").data
    assert hashlib.sha256(data).hexdigest() == kept["sha256"]
    listed = rows(officer.get("/county/publications").text, "data-publication")
    assert "年度报告" in listed[kept["id"]] and "报告镇" in listed[kept["id"]]


def test_an_auditor_sees_the_ranking_then_beside_today_and_what_changed_it(county_of_two, site):
    county, first, second, users = county_of_two
    before = now()
    users["clerk"].post("/township/retract", data={"id": "D-2", "reason": "重复登记"})
    caught_up(site)
    page = users["auditor"].get(f"/audit/ranking?period=2024&as_of={before}").text
    assert ranks(page, "data-then-rank") == {first: "2", second: "1"}
    assert ranks(page) == {first: "1", second: "1"}
    assert "有变化" in rows(page, "data-township")[first]
    named = rows(page, "data-entry")
    assert list(named) == ["D-2"] and "data-retracted" in named["D-2"]
    assert any(look["action"].startswith("ranking of 2024 as of ") for look in looks(site, county))


def test_the_stream_lists_what_was_recorded_in_a_window(county_of_two, site):
    county, first, _, users = county_of_two
    before = now()
    users["clerk"].post(
        "/township/record/dispute_registered",
        data={"id": "D-9", "occurred_on": "2024-12-01", "source": "petition", "category": "债务"},
    )
    caught_up(site)
    auditor = users["auditor"]
    page = auditor.get(f"/audit/stream?township={first}&from={before}").text
    assert list(rows(page, "data-entry")) == ["D-9"] and "信访" in page
    everything = auditor.get(f"/audit/stream?township={first}&from=2000-01-01T00:00:00Z").text
    listed = re.findall(r'<tr data-entry="([^"]+)"', everything)
    assert listed == ["D-1", "D-1", "D-2", "D-9"]
    missing = auditor.get(f"/audit/stream?township={first}")
    assert missing.status_code == 400 and 'id="s-from-error"' in missing.text
    assert any(look["action"].startswith("history from") for look in looks(site, county))


def test_verification_of_the_county_and_of_a_township(county_of_two, site):
    county, first, _, users = county_of_two
    auditor = users["auditor"]
    whole = auditor.post("/audit/verification", data={"township": ""}).text
    assert 'data-verified="ok"' in whole and "2 个乡镇" in whole
    one = auditor.post("/audit/verification", data={"township": first}).text
    assert 'data-verified="ok"' in one and "甲镇" in one
    assert auditor.post("/audit/verification", data={"township": "nowhere"}).status_code == 404
    noted = [(look["action"], look["subject"]) for look in looks(site, county)]
    assert ("verification", county) in noted and ("verification", first) in noted


@pytest.mark.parametrize("scope", ["township", "county"])
def test_the_audit_export_is_the_file_the_standalone_verifier_accepts(
    county_of_two, site, tmp_path, scope
):
    county, first, second, users = county_of_two
    query = f"?township={first}" if scope == "township" else ""
    answer = users["auditor"].get(f"/audit/export.jsonl{query}")
    assert answer.status_code == 200
    assert hashlib.sha256(answer.data).hexdigest() == answer.headers["X-SHA256"]
    path = tmp_path / "export.jsonl"
    path.write_bytes(answer.data)
    checked = subprocess.run(
        [sys.executable, str(VERIFY_EXPORT), str(path), "--receipt", answer.headers["X-SHA256"]],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    header = json.loads(answer.data.splitlines()[0])
    assert header["townships"] == ([first] if scope == "township" else sorted([first, second]))
    assert ("export", first if scope == "township" else county) in [
        (look["action"], look["subject"]) for look in looks(site, county)
    ]
    spoilt = answer.data.replace(b'"category":"\xe5\x9c\x9f\xe5\x9c\xb0"', b'"category":"x"', 1)
    assert spoilt != answer.data
    path.write_bytes(spoilt)
    refused = subprocess.run(
        [sys.executable, str(VERIFY_EXPORT), str(path)], capture_output=True, text=True
    )
    assert refused.returncode == 1 and "line" in refused.stdout + refused.stderr


def test_the_county_sees_who_looked_at_what_newest_first(county_of_two, site):
    county, first, _, users = county_of_two
    auditor, officer = users["auditor"], users["county_officer"]
    receipt = site.services.publications.publish_ranking(OPERATOR, county=county, period="2024")
    auditor.get(f"/audit/entries/{first}/D-1")
    auditor.get(f"/audit/figures?township={first}&period=2024&as_of=2025-01-01T00:00:00Z")
    auditor.post("/audit/verification", data={"township": first})
    auditor.get(f"/audit/export.jsonl?township={first}")
    assert auditor.get(f"/audit/publications/{receipt.id}.json").status_code == 200
    page = officer.get("/county/trail").text
    shown = re.findall(r"<tr><td>[^<]+</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", page)
    assert [what for _, what, _ in shown] == [
        f"下载发布文件 {receipt.id}",
        "下载审计导出文件",
        "完整性核验",
        "查看 2024年 数据截至 2025年1月1日 08:00:00 的情况",  # on the installation's clock
        "查看记录 D-1 的历史",
    ]
    assert {who for who, _, _ in shown} == {users["auditor_name"]}
    assert {of for _, _, of in shown} == {"甲镇", "对照县"}
    assert officer.get("/county/trail?page=abc").status_code == 400
    assert officer.get("/county/trail?page=2").status_code == 400


def test_the_trail_is_paged(county_of_two, site):
    county, first, _, users = county_of_two
    auditor = site.services.tenancy.principal(username=users["auditor_name"])
    for _ in range(55):
        site.services.trail.note(auditor, county=county, action="export", subject=first)
    officer = users["county_officer"]
    first_page = officer.get("/county/trail").text
    assert first_page.count("下载审计导出文件") == 50 and 'rel="next"' in first_page
    second_page = officer.get("/county/trail?page=2").text
    assert second_page.count("下载审计导出文件") == 5 and 'rel="prev"' in second_page


def test_the_auditors_link_to_an_entry_whose_id_holds_a_path_stays_on_it(as_role, site):
    """An id recorded before ids were limited (``../../../x``): the auditor's list links to its
    history, as a browser resolves the link."""
    old = f"../../../{unique('x')}"
    since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with before_safe_ids():
        site.services.entries.record(
            OPERATOR,
            township=site.township,
            type="liaison_registered",
            entry_id=old,
            occurred_on="2024-05-05",
            fields={},
        )
    caught_up(site)
    auditor = as_role("auditor")
    stream = f"http://localhost/audit/stream?township={site.township}&from={since}"
    (href,) = re.findall(rf'href="([^"]+)">{re.escape(old)}</a>', auditor.get(stream).text)
    history_url = urljoin(stream, html.unescape(href))  # as a browser resolves it
    assert urlsplit(history_url).path == "/audit/entry"
    history = auditor.get(history_url)
    assert history.status_code == 200 and old in html.unescape(history.text)
