"""The 落款: the report ends with the township's people's government (a 街道's office) and the
date of issue — the day it was submitted, else the day it is made, in the installation's
time zone (given by the service; the projection has no clock)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from infra.settings import event_store_env
from projections.report import build_report
from projections.report.model import issuer
from projections.report.phrasing import local_time
from sample.lines import seed_lines
from services import open_services
from services.reports import Reports
from tests.support import OPERATOR, unique
from tests.unit.test_report import FULL, build, figures


@pytest.mark.parametrize(
    "name, issued_by",
    [
        ("巩留镇", "巩留镇人民政府"),
        ("红星乡", "红星乡人民政府"),
        ("塔斯托别乡", "塔斯托别乡人民政府"),
        ("达斡尔民族乡", "达斡尔民族乡人民政府"),
        ("城关街道", "城关街道办事处"),
        ("东城街道 ", "东城街道办事处"),
        ("巴音苏木", "巴音苏木人民政府"),
    ],
)
def test_the_report_is_issued_by_the_townships_government(name, issued_by):
    assert issuer(name) == issued_by


def test_the_report_ends_with_its_signature_after_its_last_part():
    report = build(name="城关街道")
    lines = report.text().splitlines()
    end = lines.index("附件：数据来源")
    assert lines[end - 3 : end] == ["二是创新宣传形式。", "城关街道办事处", "2025年1月10日"]
    assert report.signature.lines() == ("城关街道办事处", "2025年1月10日")


SHANGHAI = ZoneInfo("Asia/Shanghai")
MADE = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "status, zone, issued",
    [
        # submitted 9 January 17:30 UTC: 10 January in Beijing, still the 9th in Urumqi (UTC+6)
        ({"status": "submitted", "submitted_at": "2025-01-09T17:30:00Z"}, SHANGHAI, "2025-01-10"),
        ({"status": "accepted", "submitted_at": "2025-01-09T17:30:00Z"}, SHANGHAI, "2025-01-10"),
        (
            {"status": "submitted", "submitted_at": "2025-01-09T17:30:00Z"},
            ZoneInfo("Asia/Urumqi"),
            "2025-01-09",
        ),
        # a report returned is written again: it bears the day it is made, as one not submitted
        ({"status": "returned", "submitted_at": "2025-01-09T17:30:00Z"}, SHANGHAI, "2025-03-01"),
        ({"status": "not_submitted"}, SHANGHAI, "2025-03-01"),
        ({"status": "not_submitted"}, ZoneInfo("America/New_York"), "2025-02-28"),
    ],
)
def test_the_date_of_issue_is_the_submissions_else_the_reports_own_in_local_time(
    status, zone, issued
):
    reports = Reports(figures=None, entries=None, zone=zone)  # type: ignore[arg-type]
    assert reports.issued_on(status, MADE) == date.fromisoformat(issued)


def test_a_submitted_report_bears_the_day_of_its_submission():
    ledger = open_services(event_store_env("memory:"))
    county, town = unique("county"), unique("town")
    ledger.tenancy.add_county(OPERATOR, code=county, name="巩留县")
    ledger.tenancy.add_township(OPERATOR, county=county, code=town, name="巩留镇")
    lines = [json.dumps({**line, "township": town}, ensure_ascii=False) for line in seed_lines()]
    ledger.interchange.import_lines(OPERATOR, lines)
    before = ledger.reports.report(OPERATOR, township=town, year=2024, as_of=MADE)
    ledger.entries.record(
        OPERATOR,
        township=town,
        type="report_submitted",
        entry_id="RS-2024-1",
        occurred_on="2025-01-02",
        fields={"year": 2024},
    )
    submitted = ledger.figures.figures(OPERATOR, township=town, period="2024")["report"]
    after = ledger.reports.report(OPERATOR, township=town, year=2024)
    ledger.close()

    assert before.signature.lines() == ("巩留镇人民政府", "2025年3月1日")
    moment = datetime.fromisoformat(submitted["submitted_at"].replace("Z", "+00:00"))
    assert after.signature.issued_on == moment.astimezone(SHANGHAI).date()
    assert after.signature.issuer == "巩留镇人民政府"


def test_the_annex_states_its_moment_in_the_installations_time_zone():
    assert local_time("2025-01-15T00:00:00Z", SHANGHAI) == "2025年1月15日8时00分（北京时间）"
    urumqi = local_time("2025-01-15T00:00:00Z", ZoneInfo("Asia/Urumqi"))
    assert urumqi == "2025年1月15日6时00分"  # not Beijing's time: not called so
    report = build_report(
        township="hongxing",
        township_name="红星乡",
        year=2024,
        figures=figures(FULL),
        narrative=None,
        sources={},
        issued_on=date(2025, 1, 10),
        zone=ZoneInfo("Asia/Urumqi"),
    )
    assert report.annex.paragraphs[0].text().startswith("本报告数据截至2025年1月15日6时00分，")
