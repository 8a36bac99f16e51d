"""Every township's 2024 report of the demo (the seed town's and four drawn around it), as a
head reads it before signing: the HTML page and the Word document opened back carry no
command and no word of software, end with the 落款, write the head's paragraphs with Chinese
punctuation, and contradict none of the township's own figures (tests/report_claims.py, read
apart from the code that writes the report)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from documents.report_docx import render_docx
from documents.report_html import render_html
from infra.settings import event_store_env
from sample.lines import DEMO_TOWNSHIPS
from sample.load import DEMO_YEAR, load_demo
from services import open_services
from tests.report_claims import (
    contradictions,
    docx_paragraphs,
    docx_text,
    software_words,
    visible_text,
)
from tests.support import OPERATOR

ANNEX = "附件：数据来源"
# A mark typed in ASCII between two Chinese characters.
ASCII_AMONG_CHINESE = re.compile(r"[\u4e00-\u9fff][,.:;()][\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def demo():
    """The demo county loaded as `township-ledger demo` loads it: each township's report, its
    figures document, and the report rendered as HTML and DOCX."""
    ledger = open_services(event_store_env("memory:"))
    load_demo(ledger, OPERATOR)
    found = {}
    for code, _ in DEMO_TOWNSHIPS:
        report = ledger.reports.report(OPERATOR, township=code, year=DEMO_YEAR)
        figures = ledger.figures.figures(OPERATOR, township=code, period=str(DEMO_YEAR))
        found[code] = (report, figures, render_html(report), render_docx(report))
    ledger.close()
    return found


TOWNSHIPS = [code for code, _ in DEMO_TOWNSHIPS]


@pytest.mark.parametrize("code", TOWNSHIPS)
def test_the_report_speaks_of_the_townships_work_not_of_software(demo, code):
    _, _, html, data = demo[code]
    assert software_words(visible_text(html)) == []
    assert software_words(docx_text(data)) == []


@pytest.mark.parametrize("code", TOWNSHIPS)
def test_the_report_ends_with_its_signature(demo, code):
    report, figures, html, data = demo[code]
    name = dict(DEMO_TOWNSHIPS)[code]
    issued = report.signature.issued_on
    day = f"{issued.year}年{issued.month}月{issued.day}日"
    assert figures["report"]["status"] == "not_submitted"  # the day the report is made
    as_of = figures["as_of"].replace("Z", "+00:00")
    made = datetime.fromisoformat(as_of).astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert abs((issued - made).days) <= 1  # the figures are read a moment before the report

    lines = visible_text(html).splitlines()
    body = lines[: lines.index(ANNEX)]
    assert body[-2:] == [f"{name}人民政府", day]
    paragraphs = docx_paragraphs(data)
    body = paragraphs[: paragraphs.index(ANNEX)]
    assert body[-2:] == [f"{name}人民政府", day]


@pytest.mark.parametrize("code", TOWNSHIPS)
def test_no_sentence_contradicts_the_figures(demo, code):
    _, figures, html, data = demo[code]
    for text in (visible_text(html), "\n".join(docx_paragraphs(data))):
        assert "重大行政决策" in text
        assert contradictions(text, figures) == []


@pytest.mark.parametrize("code", TOWNSHIPS)
def test_the_heads_paragraphs_have_chinese_punctuation(demo, code):
    report, _, html, data = demo[code]
    assert report.sections[1].heading == "二、存在的问题"
    for text in (visible_text(html), "\n".join(docx_paragraphs(data))):
        assert not ASCII_AMONG_CHINESE.search(text), ASCII_AMONG_CHINESE.search(text)
        for paragraph in report.sections[1].paragraphs:
            assert paragraph.text() in text and "，" in paragraph.text()


def test_the_seed_towns_decisions_are_stated_as_the_figures_count_them(demo):
    report, figures, _, _ = demo["gongliu"]
    by_step = figures["decisions"]["by_step"]
    assert (figures["decisions"]["reviewed"], by_step["collective_decision"]) == (7, 4)
    assert by_step["disclosure"] == 2
    text = report.body()
    assert "全年7项重大行政决策均经过合法性审查" in text
    assert "经集体讨论决定的4项，依法向社会公开的2项" in text
    assert "规范重大行政决策程序" in text and "严格履行" not in text
