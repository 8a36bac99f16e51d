"""The calendar's pages: the county officer sets a year's deadline (a refusal beside its field,
nothing recorded), reads who submitted and who was late; a late submission is marked on the
county's reports page and the township's report page; the township's dashboard counts down to
its next due day and says what is missing. Each test makes its own county."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from domain import values
from domain.access import Principal, Role
from domain.moments import local_day, now
from services.mailing import written
from tests.support import OPERATOR, PASSWORD, unique
from tests.web.conftest import caught_up, field_error, sign_in


@pytest.fixture
def county(site):
    """A county of its own with two townships, its officer and the first one's head."""
    code = unique("county")
    site.services.tenancy.add_county(OPERATOR, code=code, name="日历县")
    towns = [unique("town") for _ in range(2)]
    for town, name in zip(towns, ("早报镇", "迟报乡"), strict=True):
        site.services.tenancy.add_township(OPERATOR, county=code, code=town, name=name)
    people = {
        "officer": site.add_user("county_officer", county=code),
        "head": site.add_user("head", township=towns[0]),
    }
    return code, towns, people


def client_of(app, username):
    client = app.test_client()
    assert sign_in(client, username, PASSWORD).status_code == 302
    return client


def settle(site):
    site.services.read_model.wait_for(site.services.read_model.recorded_position())


def test_the_officer_sets_a_deadline_and_a_bad_one_is_refused_beside_its_field(app, site, county):
    code, _towns, people = county
    officer = client_of(app, people["officer"])
    page = officer.post(
        "/county/calendar", data={"period": "2025", "due": "2025-06-30", "grace_days": "x"}
    )
    assert page.status_code == 400
    assert field_error(page.text) == ["deadlines[1].due"]
    assert "截止日须在2025年结束之后" in page.text
    assert 'value="2025-06-30"' in page.text  # what was typed, kept
    assert site.services.calendar.deadlines(OPERATOR, county=code) == []
    page = officer.post(
        "/county/calendar", data={"period": "2025", "due": "2026-01-15", "grace_days": "x"}
    )
    assert field_error(page.text) == ["deadlines[1].grace_days"]
    done = officer.post(
        "/county/calendar",
        data={"period": "2025", "due": "2026-01-15", "grace_days": "2"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert "已保存2025年的报送期限" in done.text
    assert re.search(
        r'data-period="2025"><th scope="row">2025年</th><td>2026年1月15日</td><td>2</td>', done.text
    )
    assert site.services.calendar.deadlines(OPERATOR, county=code) == [
        {"period": "2025", "due": "2026-01-15", "grace_days": 2}
    ]


def test_a_late_submission_is_marked_wherever_its_report_is_shown(app, site, county):
    code, (early, late), people = county
    today = local_day(now())
    site.services.calendar.set_deadlines(
        OPERATOR,
        county=code,
        deadlines=[
            {"period": "2025", "due": (today - timedelta(days=1)).isoformat()},
            {"period": "2024", "due": (today + timedelta(days=1)).isoformat()},
        ],
    )
    for town in (early, late):
        site.services.reports.submit(OPERATOR, township=town, year=2025)
    site.services.reports.submit(OPERATOR, township=early, year=2024)
    settle(site)
    officer = client_of(app, people["officer"])
    page = officer.get("/county/completeness?period=2025").text
    assert page.count("data-late") == 2 + 2  # this year's table and the record over the years
    assert "2 / 2" in page and "0 / 2" in page  # both submitted, none on time
    record = page[page.index("data-record") :]
    assert "2024年" in record and "按期报送" in record and "尚未报送" in record
    reports = officer.get("/county/reports?period=2025").text
    assert reports.count("逾期报送") == 2
    head = client_of(app, people["head"])
    mine = head.get("/township/report?year=2025").text
    assert "data-late" in mine and "逾期报送" in mine
    assert "data-on-time" in head.get("/township/report?year=2024").text


def test_the_dashboard_counts_down_to_the_next_due_day_and_says_what_is_missing(app, site, county):
    code, (town, _other), people = county
    head = client_of(app, people["head"])
    assert "data-next-due" not in head.get("/township/").text
    today = local_day(now())
    site.services.calendar.set_deadlines(
        OPERATOR,
        county=code,
        deadlines=[
            {"period": "2025", "due": (today + timedelta(days=5)).isoformat(), "grace_days": 1}
        ],
    )
    page = head.get("/township/").text
    assert 'data-next-due="2025"' in page
    assert 'data-days-left="6"' in page and "还剩 6 天" in page
    assert 'data-missing="narrative"' in page and 'data-missing="submission"' in page
    site.services.reports.write_narrative(
        OPERATOR, township=town, year=2025, fields={"problems": "问题", "next_steps": "打算"}
    )
    settle(site)
    page = head.get("/township/").text
    assert 'data-missing="narrative"' not in page and 'data-missing="submission"' in page
    site.services.reports.submit(OPERATOR, township=town, year=2025)
    settle(site)
    assert "data-next-due" not in head.get("/township/").text


def test_a_returned_report_shows_in_the_heads_notifications_until_read(app, site, county):
    code, (town, _other), people = county
    submission = site.services.reports.submit(OPERATOR, township=town, year=2025).entry_id
    site.services.entries.record(
        OPERATOR,
        township=town,
        type="report_returned",
        entry_id=submission,
        occurred_on=local_day(now()).isoformat(),
        fields={"reason": "数据需核实"},
    )
    today = local_day(now())
    site.services.calendar.set_deadlines(
        OPERATOR,
        county=code,
        deadlines=[{"period": "2024", "due": (today + timedelta(days=3)).isoformat()}],
    )
    settle(site)
    head = client_of(app, people["head"])
    page = head.get("/notifications").text
    assert page.count("data-unread") == 2
    assert "退回了 2025 年度报告，原因：数据需核实" in page
    assert "2024 年度报告将于" in page and "还剩 3 天" in page
    key = re.search(r'data-notice="report_returned".*?name="key" value="([^"]+)"', page, re.S)
    assert head.post("/notifications/read", data={"key": key.group(1)}).status_code == 302
    page = head.get("/notifications").text
    assert page.count("data-unread") == 1
    assert 'data-notice="report_returned" data-unread' not in page
    refused = head.post("/notifications/read", data={"key": "answer:elsewhere:1"})
    assert refused.status_code == 404
    assert head.get("/notifications?lang=en").status_code == 200
    officer = client_of(app, people["officer"])
    assert "没有需要处理的提醒" in officer.get("/notifications").text


def test_a_quality_flag_is_a_notice_in_words_for_the_clerk_and_the_officer(town, site):
    last_year = values.today().year - 1
    line = {"township": town.code, "type": "liaison_registered", "id": "L-1",
            "occurred_on": f"{last_year}-01-10"}  # fmt: skip
    site.services.interchange.record_line(OPERATOR, line)  # recorded now: months late
    caught_up(site)
    said = f"流程镇 {last_year} 年度的记录被标记为“集中补录”。"
    clerk = town.clerk.get("/notifications").text
    assert said in clerk and f'href="/township/?period={last_year}"' in clerk
    officer = town.county_officer.get("/notifications").text
    assert said in officer and f'href="/county/?period={last_year}"' in officer
    shown = re.sub(r"<[^>]*>", "", clerk + officer)  # the words, not the tags' attributes
    assert "backfilled" not in shown


def test_the_head_submits_a_quarter_from_the_dashboard_and_the_county_sees_it(app, site, county):
    """A quarter's deadline set on the calendar page; the dashboard counts down to it (before
    the year's), the head submits it there (a clerk may not), it shows late once past its last
    day, and the county's completeness page takes the quarter."""
    code, (town, _other), people = county
    clerk = site.add_user("clerk", township=town)
    officer = client_of(app, people["officer"])
    today = local_day(now())
    done = officer.post(
        "/county/calendar",
        data={"period": "2025-Q4", "due": (today - timedelta(days=1)).isoformat()},
        follow_redirects=True,
    )
    assert "已保存2025年第四季度的报送期限" in done.text
    assert 'data-period="2025-Q4"><th scope="row">2025年第四季度</th>' in done.text
    refused = officer.post("/county/calendar", data={"period": "2025-03", "due": "2026-01-15"})
    assert refused.status_code == 400 and field_error(refused.text) == ["deadlines[1].period"]
    site.services.calendar.set_deadlines(
        OPERATOR,
        county=code,
        deadlines=[{"period": "2025", "due": (today + timedelta(days=3)).isoformat()}],
    )
    head = client_of(app, people["head"])
    page = head.get("/township/?period=2025").text
    assert 'data-next-due="2025-Q4"' in page and "2025年第四季度台账报送期限" in page
    assert "2025-Q4" not in page.replace('"2025-Q4"', "")  # the key only in attributes
    assert 'data-missing="narrative"' not in page  # a quarter takes no narrative
    assert page.count('data-form="quarter"') == 4  # each quarter of 2025, none submitted yet
    assert "报送2025年第四季度台账" in page
    assert 'data-form="quarter"' not in client_of(app, clerk).get("/township/?period=2025").text
    forbidden = client_of(app, clerk).post(
        "/township/quarter/submit", data={"year": "2025", "quarter": "4"}
    )
    assert forbidden.status_code == 403
    sent = head.post(
        "/township/quarter/submit", data={"year": "2025", "quarter": "4"}, follow_redirects=True
    )
    assert sent.status_code == 200 and "已报送 2025年第四季度台账" in sent.text
    row = sent.text[sent.text.index('data-period="2025-Q4"') :].split("</tr>")[0]
    assert "data-late" in row and "逾期报送" in row
    assert 'data-next-due="2025"' in sent.text  # the year is next
    again = head.post("/township/quarter/submit", data={"year": "2025", "quarter": "4"})
    assert again.status_code == 400 and "2025年第四季度的台账已报送" in again.text
    bad = head.post("/township/quarter/submit", data={"year": "2025", "quarter": "9"})
    assert bad.status_code == 400 and field_error(bad.text) == ["quarter"]
    settle(site)
    seen = officer.get("/county/completeness?period=2025-Q4").text
    assert "2025年第四季度" in seen and "1 / 2" in seen and "data-late" in seen
    entries = head.get("/township/entries?type=quarter_submitted").text
    assert "报送季度台账" in entries and "quarter_submitted" not in entries.replace(
        'value="quarter_submitted"', ""
    )


def test_a_quarter_due_soon_is_a_notice_naming_the_quarter_in_words(app, site, county):
    code, (town, _other), people = county
    due = local_day(now()) + timedelta(days=3)
    site.services.calendar.set_deadlines(
        OPERATOR, county=code, deadlines=[{"period": "2025-Q4", "due": due.isoformat()}]
    )
    head = client_of(app, people["head"])
    page = head.get("/notifications").text
    assert "2025年第四季度台账将于" in page and "还剩 3 天" in page
    assert "2025-Q4" not in re.sub(r"<[^>]*>", "", page)  # but in the form's values
    principal = Principal(username="h", role=Role.HEAD, county=None, township=town)
    (notice,) = site.services.notifications.due_soon(principal)
    subject, _body = written(notice)
    assert (
        subject == f"2025年第四季度台账将于{due.year}年{due.month}月{due.day}日截止报送（还剩3天）"
    )
