"""The township's pages: figures, recording with read-your-writes, lists, follow-ups,
retraction, imports (interchange lines and Excel) and the annual report."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import date
from urllib.parse import urljoin, urlsplit

from domain.session import SESSION_KINDS
from tests.support import before_safe_ids, unique
from tests.web.conftest import field_error, shown


def test_the_seed_towns_clerk_sees_its_2024_figures(as_role):
    page = as_role("clerk").get("/township/?period=2024").text
    assert shown(page, "disputes.registered") >= 362
    assert shown(page, "disputes.resolved") >= 330


def test_a_dispute_and_its_mediation_show_on_the_next_page(as_role):
    clerk = as_role("clerk")
    before = clerk.get("/township/?period=2024").text
    entry = unique("D")
    answer = clerk.post(
        "/township/record/dispute_registered",
        data={"id": entry, "occurred_on": "2024-06-01", "source": "petition", "category": "土地"},
    )
    assert answer.status_code == 302
    clerk.post(
        "/township/follow-up",
        data={
            "id": entry,
            "type": "dispute_mediated",
            "occurred_on": "2024-06-03",
            "outcome": "resolved",
            "mediator": "legal_advisor",
        },
    )
    after = clerk.get("/township/?period=2024").text  # no projection asked for: waits for it
    for figure in ("disputes.registered", "disputes.resolved"):
        assert shown(after, figure) == shown(before, figure) + 1
    history = clerk.get(f"/township/entries/{entry}").text
    assert "调解" in history and "法律顾问" in history


def test_a_bad_value_is_named_beside_its_field_and_nothing_is_recorded(as_role, site):
    clerk = as_role("clerk")
    entry = unique("D")
    answer = clerk.post(
        "/township/record/dispute_registered",
        data={"id": entry, "occurred_on": "2024-06-01", "source": "rumour", "category": "土地"},
    )
    assert answer.status_code == 400
    assert field_error(answer.text) == ["source"]
    assert 'value="土地"' in answer.text  # what was typed is kept
    assert clerk.get(f"/township/entries/{entry}").status_code == 404


def test_the_record_form_offers_the_allowed_values_and_labels_every_field(as_role):
    page = as_role("clerk").get("/township/record/session_held").text
    assert tuple(re.findall(r'<option value="(\w+)"', page)) == SESSION_KINDS
    inputs = re.findall(r'<(?:input|select|textarea) id="(f-[\w]+)"', page)
    labels = re.findall(r'<label for="(f-[\w]+)"', page)
    assert inputs and sorted(inputs) == sorted(labels)


def test_lists_filter_by_type_and_state_and_page(as_role):
    clerk = as_role("clerk")
    page = clerk.get("/township/entries?type=issue_found&state=open").text
    rows = re.findall(r'href="/township/entry\?id=([^"]+)"', page)
    assert rows
    assert all("已逾期" in page or "未办结" in page for _ in rows)
    first = clerk.get("/township/entries?type=dispute_registered").text
    assert 'rel="next"' in first
    cursor = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = clerk.get(cursor).text
    assert set(re.findall(r'/township/entry\?id=([^"]+)"', first)).isdisjoint(
        re.findall(r'/township/entry\?id=([^"]+)"', second)
    )
    assert clerk.get("/township/entries?from=yesterday").status_code == 400


def test_open_issues_past_their_deadline_are_highlighted(as_role):
    clerk = as_role("clerk")
    entry = unique("I")
    clerk.post(
        "/township/record/issue_found",
        data={
            "id": entry,
            "occurred_on": "2024-02-01",
            "category": "安全",
            "description": "消防通道堵塞",
            "deadline": "2024-03-01",
        },
    )
    page = clerk.get("/township/").text
    assert re.search(rf'<li class="overdue">\s*<a href="/township/entry\?id={entry}"', page)


def test_a_retraction_needs_a_reason(as_role):
    clerk = as_role("clerk")
    entry = unique("L")
    clerk.post(
        "/township/record/liaison_registered", data={"id": entry, "occurred_on": "2024-01-05"}
    )
    refused = clerk.post("/township/retract", data={"id": entry, "reason": " "})
    assert refused.status_code == 400
    assert field_error(refused.text) == ["reason"]
    assert (
        clerk.post("/township/retract", data={"id": entry, "reason": "重复登记"}).status_code == 302
    )
    assert "已撤回" in clerk.get(f"/township/entries/{entry}").text


def _line(township: str, **fields) -> str:
    return json.dumps({"township": township, **fields}, ensure_ascii=False)


def test_an_interchange_file_with_a_bad_line_records_nothing(as_role, site):
    clerk = as_role("clerk")
    good, bad = unique("D"), unique("D")
    text = "\n".join(
        _line(
            site.township,
            type="dispute_registered",
            id=entry,
            occurred_on="2024-07-01",
            source=source,
            category="邻里",
        )
        for entry, source in ((good, "screening"), (bad, "gossip"))
    )
    answer = clerk.post(
        "/township/import",
        data={"file": (io.BytesIO(text.encode()), "lines.jsonl")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "第 2 行 · 来源：" in answer.text and "(source)" not in answer.text  # no code shown
    assert clerk.get(f"/township/entries/{good}").status_code == 404


def test_a_file_that_is_no_workbook_is_refused_by_name(as_role):
    answer = as_role("clerk").post(
        "/township/import",
        data={"file": (io.BytesIO(b"not a zip"), "entries.xlsx")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert field_error(answer.text) == ["file"]


def test_the_report_previews_downloads_and_is_submitted_then_answered(as_role, site):
    head = as_role("head")
    page = head.get("/township/report?year=2024")
    assert page.status_code == 200 and 'data-report-status="' in page.text
    preview = head.get("/township/report/2024/preview")
    assert "<script" not in preview.text
    assert "unsafe-inline" in preview.headers["Content-Security-Policy"]
    assert "script-src" not in preview.headers["Content-Security-Policy"]
    docx = head.get("/township/report/2024.docx")
    assert docx.data[:2] == b"PK"
    narrative = head.post(
        "/township/report/narrative",
        data={
            "year": "2024",
            "problems": "基层力量不足",
            "next_steps": "加强培训",
            "themes.study": "每月第一个周一集中学法",
        },
    )
    assert narrative.status_code == 302
    assert "每月第一个周一集中学法" in head.get("/township/report/2024/preview").text
    assert head.post("/township/report/submit", data={"year": "2024"}).status_code == 302
    assert 'data-report-status="submitted"' in head.get("/township/report?year=2024").text
    officer = as_role("county_officer")
    page = officer.get(f"/county/reports/{site.township}/2024").text
    submission = re.search(r'name="submission" value="([^"]+)"', page).group(1)
    answered = officer.post(
        "/county/reports/answer",
        data={
            "township": site.township,
            "submission": submission,
            "year": "2024",
            "answer": "accept",
        },
    )
    assert answered.status_code == 302
    # Accepting publishes the report as it stands, the acceptance included (the page waits
    # for the projection worker; it never projects itself).
    principal = site.services.tenancy.principal(username=site.users["county_officer"])
    published = site.services.publications.published(principal, county=site.county)[-1]
    document = json.loads(
        site.services.publications.publication(principal, publication_id=published["id"])
    )
    assert document["figures"]["report"]["status"] == "accepted"
    # The head reads their own writes at once; another's once the worker has projected them.
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())
    assert 'data-report-status="accepted"' in head.get("/township/report?year=2024").text


def test_a_clerk_may_not_submit_the_report(as_role):
    assert (
        as_role("clerk").post("/township/report/submit", data={"year": "2024"}).status_code == 403
    )


def test_a_hotline_case_is_answered_from_its_page(as_role):
    clerk = as_role("clerk")
    entry = unique("H")
    clerk.post(
        "/township/record/hotline_case_received", data={"id": entry, "occurred_on": "2024-04-01"}
    )
    page = clerk.get(f"/township/entries/{entry}").text
    assert '<select id="f-resolved" name="resolved" required>' in page
    answered = clerk.post(
        "/township/follow-up",
        data={
            "id": entry,
            "type": "hotline_case_answered",
            "occurred_on": "2024-04-02",
            "resolved": "true",
        },
    )
    assert answered.status_code == 302
    history = clerk.get(f"/township/entries/{entry}").text
    assert "<dt>是否解决</dt><dd>是</dd>" in history


def test_the_heads_narrative_form_holds_what_was_saved_before(as_role):
    head = as_role("head")
    blank = head.get("/township/report?year=2023").text
    assert re.search(r'<textarea id="f-problems" name="problems"[^>]*></textarea>', blank)
    first = {
        "year": "2023",
        "problems": "学法形式单一 <不够>",
        "next_steps": "每月集中学法",
        "themes.study": "全年组织学法十二次",
    }
    assert head.post("/township/report/narrative", data=first).status_code == 302
    page = head.get("/township/report?year=2023").text
    assert ">学法形式单一 &lt;不够&gt;</textarea>" in page
    assert ">每月集中学法</textarea>" in page
    assert ">全年组织学法十二次</textarea>" in page
    # The narrative saved last is the one the report uses, theme by theme: so is the form.
    second = {"year": "2023", "problems": "调解力量不足", "next_steps": "充实调解员队伍"}
    assert head.post("/township/report/narrative", data=second).status_code == 302
    page = head.get("/township/report?year=2023").text
    assert ">调解力量不足</textarea>" in page and "学法形式单一" not in page
    assert "全年组织学法十二次" not in page


def test_the_report_page_shows_the_head_a_sentence_that_says_more_than_the_figures(as_role):
    head = as_role("head")
    claim = "每项重大决策都经集体讨论决定并依法公开,落实决策责任追究."
    saved = head.post(
        "/township/report/narrative",
        data={"year": "2024", "problems": "基层力量不足", "next_steps": "加强培训",
              "themes.decisions": claim},
    )  # fmt: skip
    assert saved.status_code == 302
    page = head.get("/township/report?year=2024").text
    assert 'data-cautions="1"' in page
    assert "<q>每项重大决策都经集体讨论决定并依法公开，落实决策责任追究</q>" in page
    assert "全年7项重大行政决策中，经集体讨论决定的4项，依法向社会公开的2项。" in page
    assert "请核对" in as_role("clerk").get("/township/report?year=2024").text
    head.post(
        "/township/report/narrative",
        data={"year": "2024", "problems": "基层力量不足", "next_steps": "加强培训",
              "themes.decisions": "经集体讨论决定的重大决策4项。"},
    )  # fmt: skip
    assert "data-cautions" not in head.get("/township/report?year=2024").text


def test_an_entry_whose_id_holds_a_path_is_opened_followed_up_and_retracted_from_its_page(
    as_role, site
):
    """An id recorded before ids were limited (``../../../x``) gets links that stay on its
    page, as a browser resolves them, and its page's forms follow it up and retract it."""
    clerk, old, today = as_role("clerk"), f"../../../{unique('x')}", date.today().isoformat()
    principal = site.services.tenancy.principal(username=site.users["clerk"])
    with before_safe_ids():
        recorded = site.services.entries.record(
            principal,
            township=site.township,
            type="dispute_registered",
            entry_id=old,
            occurred_on=today,
            fields={"source": "petition", "category": "土地"},
        )
    site.services.read_model.wait_for(recorded.position, timeout=5)
    listing = f"http://localhost/township/entries?type=dispute_registered&from={today}"
    (href,) = re.findall(rf'href="([^"]+)">{re.escape(old)}</a>', clerk.get(listing).text)
    page_url = urljoin(listing, html.unescape(href))  # as a browser resolves it
    assert urlsplit(page_url).path == "/township/entry"
    page = clerk.get(page_url).text
    assert old in html.unescape(page)
    form_ids = {html.unescape(i) for i in re.findall(r'name="id" value="([^"]*)"', page)}
    assert form_ids == {old}

    mediated = clerk.post(
        "/township/follow-up",
        data={"id": old, "type": "dispute_mediated", "occurred_on": today,
              "outcome": "failed", "mediator": "volunteer"},
    )  # fmt: skip
    assert mediated.status_code == 302
    back = urljoin(page_url, mediated.headers["Location"])
    assert urlsplit(back).path == "/township/entry"
    assert "调解" in clerk.get(back).text
    retracted = clerk.post("/township/retract", data={"id": old, "reason": "编号有误"})
    assert retracted.status_code == 302
    assert "已撤回" in clerk.get(urljoin(page_url, retracted.headers["Location"])).text
    history = site.services.entries.entry(principal, township=site.township, entry_id=old)
    assert [item.type for item in history.history] == [
        "dispute_registered",
        "dispute_mediated",
        "entry_retracted",
    ]


def test_a_clerks_page_offers_no_retraction_of_the_heads_submission_nor_takes_one(as_role, site):
    """A clerk retracts only what a clerk records: not the head's submission, accepted."""
    head, officer = (
        site.services.tenancy.principal(username=site.users[role])
        for role in ("head", "county_officer")
    )
    entry = unique("R")
    for who, type_, fields in (
        (head, "report_submitted", {"year": 2019}),
        (officer, "report_accepted", {}),
    ):
        recorded = site.services.entries.record(
            who, township=site.township, type=type_, entry_id=entry,
            occurred_on="2020-01-10", fields=fields,
        )  # fmt: skip
    site.services.read_model.wait_for(recorded.position, timeout=5)
    clerk = as_role("clerk")
    page = clerk.get(f"/township/entry?id={entry}").text
    assert 'action="/township/retract"' not in page
    refused = clerk.post("/township/retract", data={"id": entry, "reason": "重新报送"})
    assert refused.status_code == 403
    head_page = as_role("head").get(f"/township/entry?id={entry}").text
    assert 'action="/township/retract"' not in head_page  # the county's answer is in it
    history = site.services.entries.entry(head, township=site.township, entry_id=entry)
    assert [item.type for item in history.history] == ["report_submitted", "report_accepted"]


def test_a_clerks_page_offers_the_retraction_of_what_a_clerk_records(as_role):
    clerk = as_role("clerk")
    entry = unique("L")
    clerk.post(
        "/township/record/liaison_registered", data={"id": entry, "occurred_on": "2024-01-05"}
    )
    assert 'action="/township/retract"' in clerk.get(f"/township/entry?id={entry}").text
