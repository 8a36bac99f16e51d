"""The county office's ranking, breakdown, charts, indicators and workbook; the auditor's
history and figures as of a moment."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from domain.access import Principal
from tests.support import PASSWORD, unique


def test_the_ranking_shows_weights_formula_and_every_township(as_role, site):
    page = as_role("county_officer").get("/county/?period=2024").text
    assert re.findall(r'<tr data-township="([^"]+)">', page)[0] == site.township
    assert site.neighbour in page
    assert "Σ(weight × value) / Σ(weight)" in page
    assert "rates.mediation_success" in page


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
    assert len(scores["townships"]) == len(scores["scores"]) == 2
    trend = officer.get(f"/county/charts/trend/{site.township}.json?period=2024").json
    assert trend["periods"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]


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
    assert weights.count("<tr><td>") == 2 and "rates.mediation_success" not in weights
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


def test_the_workbook_holds_the_ranking_and_the_figures(as_role, site):
    answer = as_role("county_officer").get("/county/ranking.xlsx?period=2024")
    book = load_workbook(io.BytesIO(answer.data))
    ranking = list(book["ranking"].iter_rows(values_only=True))
    assert ranking[0][:4] == ("rank", "township", "name", "score")
    assert {ranking[1][1], ranking[2][1]} == {site.township, site.neighbour}
    figures = list(book["figures"].iter_rows(values_only=True))
    column = figures[0].index("disputes.registered")
    by_township = {row[0]: row[column] for row in figures[1:]}
    assert by_township[site.township] >= 362


def test_an_auditor_reads_the_figures_as_they_stood(as_role, site):
    clerk = as_role("clerk")
    before = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    entry = unique("D")
    clerk.post(
        "/township/record/dispute_registered",
        data={"id": entry, "occurred_on": "2024-09-09", "source": "volunteer", "category": "债务"},
    )
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())
    auditor = as_role("auditor")
    then = auditor.get(f"/audit/figures?township={site.township}&period=2024&as_of={before}")
    now = auditor.get(f"/audit/figures?township={site.township}&period=2024")

    def registered(page):
        return int(re.search(r'data-figure="disputes.registered">(\d+)<', page.text).group(1))

    assert registered(now) == registered(then) + 1
    history = auditor.get(f"/audit/entries/{site.township}/{entry}").text
    assert site.users["clerk"] in history
    assert "data-late" in history  # recorded today for 2024-09-09: long after its business date
    looked = site.services.trail.looks(Principal.operator(), county=site.county)
    assert any(f"history of entry {entry}" in look["action"] for look in looked)
    assert (
        auditor.get(f"/audit/figures?township={site.township}&period=2024&as_of=soon").status_code
        == 400
    )


@pytest.mark.parametrize("role", ["far_auditor", "neighbour_clerk"])
def test_another_tenants_entry_answers_as_a_missing_one(as_role, site, role):
    client = as_role(role)
    path = "/audit/entries/{town}/{entry}" if role == "far_auditor" else "/township/entries/{entry}"
    entry = "D-2024-0001"
    theirs = client.get(path.format(town=site.township, entry=entry))
    missing = client.get(path.format(town=site.township, entry="no-such-entry"))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text


def test_a_report_returned_needs_a_reason_which_the_township_then_reads(as_role, app, site):
    township = site.neighbour
    head_name = site.add_user("head", township=township)
    head = app.test_client()
    head.post("/login", data={"username": head_name, "password": PASSWORD})
    assert head.post("/township/report/submit", data={"year": "2023"}).status_code == 302
    officer = as_role("county_officer")
    listing = officer.get("/county/reports?period=2023").text
    submission = re.search(
        rf'name="township" value="{township}">\s*<input type="hidden" name="submission"'
        r' value="([^"]+)"',
        listing,
    ).group(1)
    answer = {"township": township, "submission": submission, "year": "2023"}
    refused = officer.post("/county/reports/answer", data={**answer, "answer": "return"})
    assert refused.status_code == 400 and 'class="error" role="alert"' in refused.text
    returned = officer.post(
        "/county/reports/answer", data={**answer, "answer": "return", "reason": "数据缺少附件"}
    )
    assert returned.status_code == 302
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())
    status = head.get("/township/report?year=2023").text
    assert 'data-report-status="returned"' in status and "数据缺少附件" in status
