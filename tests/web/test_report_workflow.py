"""A year's report from the head's submission to the county's answer: submitted again only
after a return, the pages offering only what is possible, and the officer reading the report
as it was submitted (preview and DOCX) before answering."""

from __future__ import annotations

import io
import json
import re

import pytest
from docx import Document

from services.interchange import ImportRejected
from tests.support import OPERATOR
from tests.web.conftest import caught_up, field_error

SUBMIT = 'action="/township/report/submit"'


def words(data: bytes) -> str:
    """The text of a DOCX, opened back with python-docx."""
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def narrative(problems: str) -> dict:
    return {"year": "2023", "problems": problems, "next_steps": "加强培训"}


def submission_on(page: str) -> str:
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_the_officer_reads_the_report_as_submitted_and_accepts_it(town, site):
    head, officer = town.head, town.county_officer
    assert head.post("/township/report/narrative", data=narrative("基层力量不足")).status_code
    submitted = head.post("/township/report/submit", data={"year": "2023"}, follow_redirects=True)
    assert "已报送 2023 年度报告" in submitted.text
    # Words saved after the submission are not what the county reads.
    head.post("/township/report/narrative", data=narrative("报送后才写的话"))
    caught_up(site)

    listing = officer.get("/county/reports?period=2023").text
    assert f"/county/reports/{town.code}/2023" in listing and "阅读并答复" in listing
    assert 'value="accept"' not in listing  # answers are given where the report is read
    page = officer.get(f"/county/reports/{town.code}/2023").text
    assert 'data-report-status="submitted"' in page and 'value="accept"' in page
    preview = officer.get(f"/county/reports/{town.code}/2023/preview").text
    assert "基层力量不足" in preview and "报送后才写的话" not in preview
    docx = officer.get(f"/county/reports/{town.code}/2023.docx")
    assert docx.mimetype.endswith("wordprocessingml.document")
    text = words(docx.data)
    assert "流程镇" in text and "基层力量不足" in text and "报送后才写的话" not in text

    answer = {"township": town.code, "submission": submission_on(page), "year": "2023"}
    accepted = officer.post(
        "/county/reports/answer", data={**answer, "answer": "accept"}, follow_redirects=True
    )
    assert "已采纳流程镇 2023 年度报告，并已发布" in accepted.text
    caught_up(site)
    # The accepted report's link gives the DOCX of the version submitted.
    row = re.search(rf'<tr data-township="{town.code}".*?</tr>', accepted.text, re.S).group(0)
    link = re.search(r'href="([^"]+)" download data-docx', row).group(1)
    assert "基层力量不足" in words(officer.get(link).data)
    assert 'value="accept"' not in officer.get(f"/county/reports/{town.code}/2023").text


def test_an_accepted_report_is_not_submitted_again(town, site):
    head, officer = town.head, town.county_officer
    head.post("/township/report/submit", data={"year": "2023"})
    caught_up(site)
    page = officer.get(f"/county/reports/{town.code}/2023").text
    answer = {"township": town.code, "submission": submission_on(page), "year": "2023"}
    assert officer.post("/county/reports/answer", data={**answer, "answer": "accept"}).status_code
    caught_up(site)
    report = head.get("/township/report?year=2023").text
    assert 'data-report-status="accepted"' in report and SUBMIT not in report
    before = site.services.read_model.recorded_position()
    forged = head.post("/township/report/submit", data={"year": "2023"})
    assert forged.status_code == 400
    assert "已被县级采纳，不再重新报送" in forged.text and field_error(forged.text) == ["year"]
    # Nor is the acceptance taken away by retracting the submission: the entry holds the
    # county's answer, which nobody in the township may retract (Principal.check_retracts).
    retracted = head.post(
        "/township/retract", data={"id": answer["submission"], "reason": "重新报送"}
    )
    assert retracted.status_code == 403
    assert site.services.read_model.recorded_position() == before
    status = site.services.reports.status(OPERATOR, township=town.code, year=2023)
    assert status.status == "accepted"


def test_a_waiting_report_is_not_submitted_again_and_a_returned_one_is(town, site):
    head, officer = town.head, town.county_officer
    assert head.post("/township/report/submit", data={"year": "2023"}).status_code == 302
    waiting = head.get("/township/report?year=2023").text
    assert SUBMIT not in waiting and "县级答复之前不能再次报送" in waiting
    again = head.post("/township/report/submit", data={"year": "2023"})
    assert again.status_code == 400 and "正在等待县级答复" in again.text
    caught_up(site)
    page = officer.get(f"/county/reports/{town.code}/2023").text
    answer = {"township": town.code, "submission": submission_on(page), "year": "2023"}
    refused = officer.post("/county/reports/answer", data={**answer, "answer": "return"})
    assert refused.status_code == 400 and field_error(refused.text) == ["reason"]
    assert re.search(r'<form[^>]*data-form="return".*?id="reason-error"', refused.text, re.S)
    returned = officer.post(
        "/county/reports/answer",
        data={**answer, "answer": "return", "reason": "缺少附件"},
        follow_redirects=True,
    )
    assert "已退回流程镇 2023 年度报告" in returned.text
    caught_up(site)
    page = head.get("/township/report?year=2023").text
    assert 'data-report-status="returned"' in page and SUBMIT in page
    assert head.post("/township/report/submit", data={"year": "2023"}).status_code == 302


def test_the_rule_holds_for_an_import_too(town, site):
    """The rule is the ledger's: a second submission of one import is refused by its line,
    and nothing of the file is recorded."""
    lines = [
        json.dumps(
            {
                "township": town.code,
                "type": "report_submitted",
                "id": f"RS-{n}",
                "occurred_on": "2024-01-05",
                "year": 2023,
            }
        )  # fmt: skip
        for n in (1, 2)
    ]
    with pytest.raises(ImportRejected) as rejected:
        site.services.interchange.import_lines(OPERATOR, lines)
    found = [(e.line, e.field, e.said.code) for e in rejected.value.errors]
    assert found == [(2, "year", "report.awaiting_answer")]
    status = site.services.reports.status(OPERATOR, township=town.code, year=2023)
    assert status.status == "not_submitted"


def test_the_officer_cannot_read_a_report_never_submitted(town):
    answer = town.county_officer.get(f"/county/reports/{town.code}/2023.docx")
    assert answer.status_code == 404
    page = town.county_officer.get(f"/county/reports/{town.code}/2023").text
    assert 'data-report-status="not_submitted"' in page and "data-docx" not in page
