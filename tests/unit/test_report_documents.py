"""The annual report rendered: the HTML page and the Word document opened back with
python-docx (parts, themes, every figure, the annex table, page numbers, the layout)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import docx
import pytest

from documents.report_docx import render_docx
from documents.report_html import render_html
from projections.report import source_rows
from tests.unit.test_report import FULL, NARRATIVE, build

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def report():
    return build(narrative={**NARRATIVE, "themes": {"leaders_duty": "主要负责人带头学法。"}})


@pytest.fixture(scope="module")
def word(report):
    return docx.Document(io.BytesIO(render_docx(report)))


# -- HTML ---------------------------------------------------------------------------------------


class Page(HTMLParser):
    """The figure spans (name, text) and the annex table's rows of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self._figure: str | None = None
        self._cell = False

    def handle_starttag(self, tag, attrs):
        self._figure = dict(attrs).get("data-figure") if tag == "span" else None
        if tag == "tr":
            self.rows.append([])
        self._cell = tag in ("td", "th")

    def handle_data(self, data):
        if self._figure:
            self.figures.append((self._figure, data))
            self._figure = None
        if self._cell:
            self.rows[-1].append(data)
            self._cell = False


def test_html_marks_every_figure_with_its_name(report):
    page = Page()
    page.feed(render_html(report))
    assert page.figures == [(f.path, f.text) for f in report.figures()]


def test_html_has_the_parts_the_themes_and_the_annex_table(report):
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="zh-Hans">' in html
    assert "<h1>红星乡2024年法治政府建设工作情况报告</h1>" in html
    for section in report.sections:
        assert f"<h2>{section.heading}</h2>" in html
        for theme in section.subsections:
            assert f"<h3>{theme.heading}</h3>" in html
    assert html.index(report.opening.text()) < html.index("<h2>一、工作开展情况</h2>")
    assert "<h2>附件：数据来源</h2>" in html
    page = Page()
    page.feed(html)
    assert page.rows == [list(report.annex.columns), *map(list, source_rows(report.annex))]
    for external in ("http://", "https://", "<link", "<script", "src="):
        assert external not in html
    assert "UTC" not in html and "2025-01-15T" not in html


def test_html_escapes_the_townships_text():
    report = build(narrative={"problems": '<script>alert("x")</script> & 其他'})
    html = render_html(report)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; 其他" in html


# -- DOCX ---------------------------------------------------------------------------------------


def test_docx_numbers_its_pages_in_the_footer(word):
    footer = word.sections[0].footer
    xml = footer._element.xml
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
    types = [e.get(f"{W}fldCharType") for e in footer._element.iter(f"{W}fldChar")]
    assert types == ["begin", "separate", "end"]
    assert footer.paragraphs[0].text == "— 1 —"  # the field's last shown value, between dashes
    assert footer.paragraphs[0].alignment == 1  # centred


def test_docx_has_the_title_opening_parts_themes_and_annex_in_order(word, report):
    texts = [p.text for p in word.paragraphs if p.text]
    assert texts[0] == report.title and texts[1] == report.opening.text()
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Head")]
    expected = []
    for section in report.sections:
        expected.append(("Heading 1", section.heading))
        expected.extend(("Heading 2", theme.heading) for theme in section.subsections)
    expected.append(("Heading 1", "附件：数据来源"))
    assert headings == expected
    assert [h for _, h in expected if _ == "Heading 1"][:3] == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步打算",
    ]
    assert ("Heading 2", "（六）履行推进法治建设第一责任人职责，压实工作责任。") in headings


def test_docx_states_every_figure_of_each_theme_in_that_theme(word, report):
    paragraphs = [p.text for p in word.paragraphs]
    for theme in report.sections[0].subsections:
        start = paragraphs.index(theme.heading)
        written = paragraphs[start + 1 : start + 1 + len(theme.paragraphs)]
        assert written == [p.text() for p in theme.paragraphs]
        for paragraph, text in zip(theme.paragraphs, written, strict=True):
            for figure in paragraph.figures():
                assert figure.text in text, figure


def test_docx_annex_table_traces_every_figure(word, report):
    (table,) = word.tables
    rows = [tuple(cell.text for cell in row.cells) for row in table.rows]
    assert rows[0] == report.annex.columns
    assert rows[1:] == list(source_rows(report.annex))
    by_code = {row[4].split("：")[0]: row for row in rows[1:]}
    assert by_code["disputes.registered"][2:4] == ("80", str(FULL["disputes.registered"]))
    assert by_code["rates.mediation_success"][2:4] == ("91.3%", "73/80")
    assert by_code["roster.officers"][4].startswith("roster.officers：roster.officers#0、")
    page_break = [p for p in word.paragraphs if 'w:type="page"' in p._element.xml]
    assert len(page_break) == 1  # the annex starts a page


def test_docx_keeps_the_official_layout(word, report):
    page = word.sections[0]
    assert (round(page.page_width.cm, 1), round(page.page_height.cm, 1)) == (21.0, 29.7)
    assert (round(page.top_margin.cm, 1), round(page.left_margin.cm, 1)) == (3.7, 2.8)

    def east_asia(style):
        return word.styles[style].element.rPr.rFonts.get(f"{W}eastAsia")

    assert [east_asia(s) for s in ("Normal", "Heading 1", "Heading 2")] == ["仿宋", "黑体", "楷体"]
    assert word.styles["Normal"].font.size.pt == 16
    assert word.styles["Normal"].paragraph_format.line_spacing.pt == 28
    assert word.core_properties.title == report.title
    assert "UTC" not in "\n".join(p.text for p in word.paragraphs)
