"""The annual report rendered: the HTML page and the Word document opened back with
python-docx (parts, themes, every figure, the annex table, page numbers, the layout)."""

from __future__ import annotations

import io
import re
from datetime import date
from html.parser import HTMLParser

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.report_docx import render_docx
from documents.report_html import render_html
from projections.report import source_rows
from tests.report_claims import docx_text, software_words
from tests.unit.test_report import FULL, NARRATIVE, build, entry_ids

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
        if tag in ("td", "th"):
            self.rows[-1].append("")
            self._cell = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = False

    def handle_data(self, data):
        if self._figure:
            self.figures.append((self._figure, data))
            self._figure = None
        if self._cell:
            self.rows[-1][-1] += data


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
    assert '；记录编号：<span class="id">roster.officers#0</span>、<span class="id">' in html
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
    by_label = {row[1]: row for row in rows[1:]}
    assert by_label["排查登记矛盾纠纷数"][2:] == (
        "80",
        str(FULL["disputes.registered"]),
        "0",  # none carries evidence
        "见“台账”页，类型：排查矛盾纠纷，2024年",
    )
    assert by_label["矛盾纠纷调解成功率"][2:4] == ("91.3%", "73/80")
    assert by_label["持有行政执法证件人数"][5] == (
        "见“台账”页，类型：执法证，截至2024年12月31日；记录编号："
        + "、".join(f"roster.officers#{n}" for n in range(5))
    )
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


# -- the 落款 -------------------------------------------------------------------------------------


def test_html_ends_its_body_with_the_signature_right_aligned(report):
    html = render_html(report)
    last_part = html.index("<h2>三、下一步打算</h2>")
    signature = html.index('<section class="signature"')
    assert last_part < signature < html.index('<section class="annex">')
    block = html[signature : html.index("</section>", signature)]
    assert re.findall(r'<p style="padding-right: ([\d.]+)em">([^<]+)</p>', block) == [
        ("2.0", "红星乡人民政府"),
        ("0.5", "2025年1月10日"),  # starts two characters right of the issuer's first
    ]
    assert ".signature p { text-indent: 0; text-align: right; }" in html


def test_docx_ends_its_body_with_the_signature_before_the_annex(word, report):
    paragraphs = word.paragraphs
    brk = next(i for i, p in enumerate(paragraphs) if 'w:type="page"' in p._element.xml)
    issuer, issued = paragraphs[brk - 2], paragraphs[brk - 1]
    assert (issuer.text, issued.text) == ("红星乡人民政府", "2025年1月10日")
    assert paragraphs[brk - 3].text == ""  # a blank line after the body
    assert paragraphs[brk - 4].text == report.sections[-1].paragraphs[-1].text()
    for paragraph in (issuer, issued):
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert paragraph.paragraph_format.first_line_indent == 0
    assert issuer.paragraph_format.right_indent.pt == 32  # two characters of 16 pt
    assert issued.paragraph_format.right_indent.pt == 8


def test_docx_says_nothing_of_software_even_in_its_properties():
    data = render_docx(build(ids=entry_ids))
    assert software_words(docx_text(data)) == []
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert (properties.author, properties.keywords) == ("红星乡", "红星乡 2024年 法治政府建设")
    assert properties.created.date() == properties.modified.date() == date(2025, 1, 10)
