"""Workflows that cannot go wrong: business dates no later than today, any record retracted
whatever its dates, forms only while their follow-up is possible, every action saying what it
did (and a save that changes nothing recording nothing), every error beside its field, pages
opening on the latest year with data, the export's verifier served, the administrator's page."""

from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from domain.dispute import Dispute
from services.catalogue import today
from services.entries import UnitOfWork
from tests.support import OPERATOR, unique
from tests.web.conftest import caught_up, field_error, sign_in

SYSTEM_PYTHON = "/usr/bin/python3"  # no package of the product's installed
VERIFIER = Path(__file__).parents[2] / "services" / "verify_export.py"


def dispute_form(entry: str, day: str) -> dict:
    return {"id": entry, "occurred_on": day, "source": "petition", "category": "土地"}


def forms(page: str) -> list[str]:
    """The forms an entry's page offers, by what they record."""
    return re.findall(r'<form method="post"[^>]*data-form="([^"]+)"', page)


def test_a_business_date_after_today_is_refused_naming_the_field(town):
    ahead = (today() + timedelta(days=3)).isoformat()
    entry = unique("D")
    refused = town.clerk.post(
        "/township/record/dispute_registered", data=dispute_form(entry, ahead)
    )
    assert refused.status_code == 400
    assert field_error(refused.text) == ["occurred_on"]
    assert "发生日期：不能晚于今天" in refused.text
    assert town.clerk.get(f"/township/entries/{entry}").status_code == 404
    # Today is a business date; so is the follow-up's, and a deadline may lie ahead.
    done = town.clerk.post(
        "/township/record/dispute_registered", data=dispute_form(entry, today().isoformat())
    )
    assert done.status_code == 302
    issue = town.clerk.post(
        "/township/record/issue_found",
        data={"id": unique("I"), "occurred_on": today().isoformat(), "category": "安全",
              "description": "消防通道堵塞", "deadline": ahead},
    )  # fmt: skip
    assert issue.status_code == 302
    later = {"id": entry, "type": "dispute_mediated", "occurred_on": ahead}
    mediated = town.clerk.post(
        "/township/follow-up", data={**later, "outcome": "resolved", "mediator": "volunteer"}
    )
    assert mediated.status_code == 400 and field_error(mediated.text) == ["occurred_on"]


def test_a_record_dated_in_the_future_still_loads_and_is_retracted(town, site):
    """A record of before the rule, dated next year: its page shows, and it is retracted
    today (the retraction was refused as dated before the record)."""
    entry, ahead = unique("D"), date(today().year + 1, 3, 1)
    uow = UnitOfWork(site.services.app)
    uow.changed(
        Dispute.record(
            township=town.code,
            entry_id=entry,
            occurred_on=ahead,
            actor="clerk-before-the-rule",
            fields={"source": "screening", "category": "邻里"},
        )
    )
    uow.save()
    page = town.clerk.get(f"/township/entries/{entry}")
    assert page.status_code == 200 and forms(page.text) == ["dispute_mediated", "entry_retracted"]
    retracted = town.clerk.post(
        "/township/retract", data={"id": entry, "reason": "日期填错"}, follow_redirects=True
    )
    assert retracted.status_code == 200 and f"已撤回 {entry}" in retracted.text
    assert "已撤回" in retracted.text and forms(retracted.text) == []


def test_a_refusal_shows_on_the_form_that_was_sent_only(town):
    entry = unique("D")
    town.clerk.post("/township/record/dispute_registered", data=dispute_form(entry, "2024-06-01"))
    early = {"id": entry, "type": "dispute_mediated", "occurred_on": "2024-05-01"}
    refused = town.clerk.post(
        "/township/follow-up", data={**early, "outcome": "resolved", "mediator": "volunteer"}
    )
    assert refused.status_code == 400
    mediation, retraction = re.split(r'data-form="entry_retracted"', refused.text)
    assert "field-error" in mediation and "field-error" not in retraction
    assert 'value="2024-05-01"' in mediation  # what was typed is kept
    no_reason = town.clerk.post("/township/retract", data={"id": entry})
    mediation, retraction = re.split(r'data-form="entry_retracted"', no_reason.text)
    assert "field-error" not in mediation and 'id="reason-error"' in retraction


@pytest.mark.parametrize(
    ("creation", "follow_up", "closing", "still_open"),
    [
        ("dispute_registered", "dispute_mediated",
         {"outcome": "resolved", "mediator": "volunteer"},
         {"outcome": "failed", "mediator": "volunteer"}),
        ("issue_found", "issue_rectified", {}, None),
        ("hotline_case_received", "hotline_case_answered", {"resolved": "false"}, None),
    ],
)  # fmt: skip
def test_follow_up_forms_appear_only_while_possible(town, creation, follow_up, closing, still_open):
    clerk, entry = town.clerk, unique("E")
    fields = {
        "dispute_registered": {"source": "petition", "category": "土地"},
        "issue_found": {"category": "安全", "description": "隐患", "deadline": "2024-07-01"},
        "hotline_case_received": {},
    }[creation]
    created = {"id": entry, "occurred_on": "2024-06-01", **fields}
    assert clerk.post(f"/township/record/{creation}", data=created).status_code == 302
    assert forms(clerk.get(f"/township/entries/{entry}").text) == [follow_up, "entry_retracted"]
    step = {"id": entry, "type": follow_up, "occurred_on": "2024-06-02"}
    if still_open:  # a failed mediation: the dispute may be mediated again
        assert clerk.post("/township/follow-up", data={**step, **still_open}).status_code == 302
        assert follow_up in forms(clerk.get(f"/township/entries/{entry}").text)
    assert clerk.post("/township/follow-up", data={**step, **closing}).status_code == 302
    assert forms(clerk.get(f"/township/entries/{entry}").text) == ["entry_retracted"]
    clerk.post("/township/retract", data={"id": entry, "reason": "录错"})
    assert forms(clerk.get(f"/township/entries/{entry}").text) == []


def test_every_action_says_what_it_did(town, site):
    clerk, entry = town.clerk, unique("D")
    recorded = clerk.post(
        "/township/record/dispute_registered",
        data=dispute_form(entry, "2024-06-01"),
        follow_redirects=True,
    )
    assert f"已登记“排查矛盾纠纷” {entry}" in recorded.text
    again = clerk.post(
        "/township/record/dispute_registered",
        data=dispute_form(entry, "2024-06-01"),
        follow_redirects=True,
    )
    assert f"{entry} 此前已这样登记，未重复记录。" in again.text
    mediated = clerk.post(
        "/township/follow-up",
        data={"id": entry, "type": "dispute_mediated", "occurred_on": "2024-06-02",
              "outcome": "resolved", "mediator": "volunteer"},
        follow_redirects=True,
    )  # fmt: skip
    assert f"已登记“调解” {entry}" in mediated.text
    # The message is said once: the next page does not say it again.
    assert "已登记“调解”" not in clerk.get(f"/township/entries/{entry}").text
    clerk.get("/language/en")
    english = clerk.post(
        "/township/retract", data={"id": entry, "reason": "录错"}, follow_redirects=True
    )
    assert f"Retracted {entry}" in english.text


def test_a_narrative_saved_unchanged_records_nothing(town, site):
    head = town.head
    words = {"year": "2023", "problems": "学法形式单一", "next_steps": "每月集中学法",
             "themes.study": "全年学法十二次"}  # fmt: skip
    saved = head.post("/township/report/narrative", data=words, follow_redirects=True)
    assert "已保存 2023 年度报告的存在的问题和下一步打算" in saved.text
    before = site.services.read_model.recorded_position()
    spaced = {**words, "problems": "  学法形式单一 "}  # the same words, as the ledger keeps them
    same = head.post("/township/report/narrative", data=spaced, follow_redirects=True)
    assert "内容与上次保存的相同，未另存新的一份。" in same.text
    assert site.services.read_model.recorded_position() == before
    fewer = {k: v for k, v in words.items() if k != "themes.study"}
    head.post("/township/report/narrative", data=fewer)
    assert site.services.read_model.recorded_position() > before


def test_an_indicators_error_sits_beside_its_weight_and_unchanged_ones_record_nothing(town, site):
    officer = town.county_officer
    rates = ("rates.mediation_success", "rates.rectification")
    chosen = {f"use:{figure}": "1" for figure in rates}
    weights = {f"weight:{figure}": "1" for figure in rates}
    refused = officer.post(
        "/county/indicators", data={**chosen, **weights, "weight:rates.mediation_success": "-2"}
    )
    assert refused.status_code == 400
    assert field_error(refused.text) == ["indicators[2].weight"]
    row = re.search(r'<tr data-figure="rates.mediation_success".*?</tr>', refused.text, re.S)
    assert 'id="indicators[2].weight-error"' in row.group(0) and 'value="-2"' in row.group(0)
    saved = officer.post("/county/indicators", data={**chosen, **weights}, follow_redirects=True)
    assert "已保存排名指标" in saved.text
    before = site.services.read_model.recorded_position()
    same = officer.post("/county/indicators", data={**chosen, **weights}, follow_redirects=True)
    assert "排名指标没有变化" in same.text
    assert site.services.read_model.recorded_position() == before


def test_pages_open_on_the_latest_year_with_data(town, site):
    """Nothing recorded this year: the county's, the township's and the auditor's pages open
    on 2022, the year the township's entries are of."""
    site.services.entries.record(
        OPERATOR,
        township=town.code,
        type="dispute_registered",
        entry_id="D-2022-1",
        occurred_on="2022-05-01",
        fields={"source": "screening", "category": "邻里"},
    )
    caught_up(site)
    assert "流程县 · 排名 · 2022" in town.county_officer.get("/county/").text
    assert "报送的报告 · 2022" in town.county_officer.get("/county/reports").text
    assert "流程镇 · 2022" in town.clerk.get("/township/").text
    assert re.search(
        r'id="r-period" name="period"[^>]* value="2022"', town.auditor.get("/audit/").text
    )


def test_the_auditor_downloads_the_verifier_and_it_checks_an_export(town, site, tmp_path):
    town.clerk.post("/township/record/dispute_registered", data=dispute_form("D-1", "2024-06-01"))
    page = town.auditor.get("/audit/").text
    shown = re.search(r"data-verifier-sha256>([0-9a-f]{64})<", page).group(1)
    served = town.auditor.get("/audit/verify_export.py")
    assert served.status_code == 200 and "attachment" in served.headers["Content-Disposition"]
    assert hashlib.sha256(served.data).hexdigest() == shown
    assert served.data == VERIFIER.read_bytes()  # one copy: the package's file
    export = town.auditor.get(f"/audit/export.jsonl?township={town.code}")
    (tmp_path / "verify_export.py").write_bytes(served.data)
    (tmp_path / "export.jsonl").write_bytes(export.data)
    ran = subprocess.run(
        [SYSTEM_PYTHON, "verify_export.py", "export.jsonl"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("verified: 1 event(s)")
    spoilt = export.data.decode().replace("土地", "耕地")  # an event's content changed
    assert spoilt != export.data.decode()
    (tmp_path / "export.jsonl").write_text(spoilt)
    ran = subprocess.run(
        [SYSTEM_PYTHON, "verify_export.py", "export.jsonl"], cwd=tmp_path, capture_output=True
    )
    assert ran.returncode == 1


def test_the_administrator_lands_on_the_counties_and_townships(app, site):
    admin = app.test_client()
    landed = sign_in(admin, site.users["admin"])
    assert landed.headers["Location"] == "/admin/"
    page = admin.get("/admin/")
    assert page.status_code == 200
    county = re.search(rf'<section[^>]*data-county="{site.county}">.*?</section>', page.text, re.S)
    assert f'data-township="{site.township}"' in county.group(0)
    assert "巩留镇" in county.group(0) and "东买里镇" in county.group(0)
    assert f'data-county="{site.other_county}"' in page.text


def test_a_refusal_page_keeps_the_message_for_the_next_page(town):
    """A refusal answers the same whatever was done before (another tenant's record and a
    missing one alike): what the last action did waits for the next page."""
    entry = unique("D")
    town.clerk.post("/township/record/dispute_registered", data=dispute_form(entry, "2024-06-01"))
    missing = town.clerk.get(f"/township/entries/{unique('none')}")
    assert missing.status_code == 404 and "已登记" not in missing.text
    assert f"已登记“排查矛盾纠纷” {entry}" in town.clerk.get(f"/township/entries/{entry}").text
