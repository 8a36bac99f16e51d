"""The ledger's messages in the page's language: every code said in Chinese and in English with
the same parameters; a bad form answered in Chinese beside its field; an import's bad line and
an auditor's late mark in the reader's language; no refusal of the product's own code without a
code."""

from __future__ import annotations

import ast
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import session
from flask_babel import refresh

from domain.access import Principal
from domain.errors import InvalidField
from domain.messages import ENGLISH, Message, placeholders
from domain.values import today
from tests.support import unique
from web.messages import ROLE_PARAMS, SAID, TYPE_PARAMS, VALUE_PARAMS, say, say_error

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
SAMPLES = {"type": "dispute_mediated", "existing": "issue_found", "answer": "report_returned"}


def sample(code: str) -> dict:
    params = {}
    for name, (_, spec) in placeholders(code).items():
        if name in TYPE_PARAMS:
            params[name] = SAMPLES[name]
        elif name in VALUE_PARAMS:
            params[name] = ("resolved", "failed") if name != "theme" else "study"
        elif name in ROLE_PARAMS:
            params[name] = "county_officer"
        elif spec:
            params[name] = 1_234_567
        else:
            params[name] = f"P-{name}"
    return params


def in_language(app, lang: str, make):
    with app.test_request_context("/"):
        session["lang"] = lang
        refresh()
        return make()


def test_every_code_is_said_in_chinese_with_the_parameters_of_its_english():
    assert set(SAID) == set(ENGLISH)
    for code, text in SAID.items():
        chinese = set(re.findall(r"%\((\w+)\)s", text._args[0]))
        assert chinese == set(placeholders(code)), code


@pytest.mark.parametrize("code", sorted(ENGLISH))
def test_every_code_renders_in_both_languages(app, code):
    said = Message(code, sample(code))
    chinese = in_language(app, "zh", lambda: say(said))
    english = in_language(app, "en", lambda: say(said))
    assert CJK.search(chinese), chinese
    assert not CJK.search(english), english  # translated, labels too
    for value in said.params.values():
        if isinstance(value, str) and value.startswith("P-"):
            assert value in chinese and value in english
    assert "%(" not in chinese + english
    said.english()  # and the command line's sentence


def test_labels_and_numbers_are_shown_as_pages_show_them(app):
    not_allowed = Message("value.not_allowed", {"allowed": ("resolved", "failed"), "got": "'x'"})
    assert in_language(app, "zh", lambda: say(not_allowed)) == (
        "须为以下之一：调解成功、调解不成功；填写的是 'x'"
    )
    too_large = Message("value.too_large", {"most": 10_000_000, "got": "10000001"})
    assert "10,000,000" in in_language(app, "en", lambda: say(too_large))
    follows = Message(
        "entry.does_not_follow",
        {"id": "D-1", "existing": "issue_found", "type": "dispute_mediated"},
    )
    assert in_language(app, "zh", lambda: say(follows)) == "记录 D-1 是“发现问题”，不能登记“调解”"
    error = InvalidField("occurred_on", "date.malformed", got="'2024-13-01'")
    shown = in_language(app, "zh", lambda: say_error(error, with_field=True))
    assert shown.startswith("发生日期：须为日期")
    assert in_language(app, "en", lambda: say_error(error, with_field=True)).startswith(
        "Date it happened: must be a date"
    )
    assert error.message == "must be a date written YYYY-MM-DD, got '2024-13-01'"  # CLI, API


def test_a_bad_form_is_answered_in_chinese_beside_its_field(as_role):
    clerk = as_role("clerk")
    form = {
        "id": unique("D"),
        "occurred_on": "2024-13-01",
        "source": "petition",
        "category": "土地",
    }
    page = clerk.post("/township/record/dispute_registered", data=form)
    assert page.status_code == 400
    beside = re.search(r'id="occurred_on-error" role="alert">([^<]*)<', page.text)
    assert beside and beside.group(1).startswith("须为日期"), page.text
    assert "发生日期：须为日期" in page.text  # the page's summary names the field
    assert "must be" not in page.text
    form["occurred_on"], form["source"] = "2024-03-01", "radio"
    page = clerk.post("/township/record/dispute_registered", data=form)
    beside = re.search(r'id="source-error" role="alert">([^<]*)<', page.text)
    assert beside and "排查发现、12345热线、信访、志愿者、其他" in beside.group(1)
    clerk.get("/language/en")
    page = clerk.post("/township/record/dispute_registered", data=form)
    beside = re.search(r'id="source-error" role="alert">([^<]*)<', page.text)
    assert beside and beside.group(1).startswith(
        "must be one of: On-site screening, 12345 hotline"
    ), beside


def test_an_imports_bad_line_is_said_in_the_pages_language(as_role, site):
    clerk = as_role("clerk")
    line = (
        f'{{"township": "{site.township}", "type": "dispute_registered", "id": "{unique("D")}",'
        ' "occurred_on": "2024-03-01", "source": "radio", "category": "土地"}'
    )
    data = {"file": (io.BytesIO(line.encode()), "lines.jsonl")}
    page = clerk.post("/township/import", data=data, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "第 1 行 · 来源：须为以下之一：排查发现、12345热线、信访、志愿者、其他" in page.text
    assert "source" not in page.text.split("<main")[1]  # the field by its label, never its code


def test_the_late_mark_says_why_in_the_readers_language(as_role, site):
    entry = unique("D")
    long_ago = (today() - timedelta(days=45)).isoformat()  # the installation's days
    site.services.entries.record(
        site.services.tenancy.principal(username=site.users["clerk"]),
        township=site.township,
        type="dispute_registered",
        entry_id=entry,
        occurred_on=long_ago,
        fields={"source": "petition", "category": "土地"},
    )
    site.services.read_model.wait_for(site.services.read_model.recorded_position())
    auditor = as_role("auditor")
    page = auditor.get(f"/audit/entries/{site.township}/{entry}").text
    assert 'title="在业务日期 45 天后才登记"' in page
    auditor.get("/language/en")
    page = auditor.get(f"/audit/entries/{site.township}/{entry}").text
    assert 'title="recorded 45 days after the date it happened"' in page
    history = site.services.history.entry(
        Principal.operator(), township=site.township, entry_id=entry
    )
    assert history["events"][0]["late"] == ["recorded 45 days after its business date"]
    assert history["events"][0]["late_reasons"] == [{"code": "late.after_days", "days": 45}]


REFUSALS = {
    "LedgerError": 0,
    "RuleBroken": 0,
    "NotFound": 0,
    "AlreadyExists": 0,
    "Forbidden": 0,
    "Conflict": 0,
    "Throttled": 0,
    "Unauthenticated": 0,
    "InvalidField": 1,
    "FileRefused": 1,
}


def test_every_refusal_of_the_product_has_a_code():
    """A refusal given as an English sentence would show in English on a Chinese page. (The
    API's own refusals about its headers, in web/api, are English by design.)"""
    uncoded = []
    for package in ("domain", "services", "projections", "infra", "web", "documents"):
        for path in (ROOT / package).rglob("*.py"):
            if "api" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                    continue
                where = REFUSALS.get(node.func.id)
                if where is None or len(node.args) <= where:
                    continue
                code = node.args[where]
                if not (isinstance(code, ast.Constant) and code.value in ENGLISH):
                    uncoded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert uncoded == []


def test_a_value_the_sentence_quotes_is_not_quoted_again(app):
    repeated = Message("groups.repeated", {"name": "街道"})
    assert in_language(app, "zh", lambda: say(repeated)) == "分组名称“街道”重复"
    assert in_language(app, "en", lambda: say(repeated)) == "names the group “街道” a second time"
    assert repeated.english() == "names the group '街道' a second time"  # the command line's
    page = Message("page.malformed", {"got": "x"})  # a value typed, not quoted by the sentence
    assert in_language(app, "zh", lambda: say(page)) == "须为从 1 起的页码，填写的是 'x'"
