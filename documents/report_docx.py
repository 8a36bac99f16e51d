"""The annual report as a Word document in the official layout: A4, 仿宋 三号 body at a fixed
28-point line, 黑体 and 楷体 headings, a 宋体 title, the 落款 under the body (the issuer two
characters from the right margin, the date under it), page numbers "— 1 —" in the footer,
and the annex 数据来源 on a page of its own."""

from __future__ import annotations

from datetime import UTC, datetime, time
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from documents.official import signature_indents
from projections.report import Paragraph, Report, Signature, source_rows

LATIN = "Times New Roman"
CHARACTER = Pt(16)  # one Chinese character of the body (三号)
# The annex's columns (序号, 数据, 数值, 依据的记录, 附有佐证材料的, 在台账中查看) across the
# 15.6 cm of text.
ANNEX_WIDTHS = (Cm(1.2), Cm(3.3), Cm(1.5), Cm(1.8), Cm(1.8), Cm(6.0))


def render_docx(report: Report) -> bytes:
    """The report as the bytes of a .docx file."""
    document = Document()
    _page(document)
    _styles(document)
    _title(document, report.title)
    _paragraph(document, report.opening)
    for section in report.sections:
        document.add_heading(section.heading, level=1)
        for paragraph in section.paragraphs:
            _paragraph(document, paragraph)
        for theme in section.subsections:
            document.add_heading(theme.heading, level=2)
            for paragraph in theme.paragraphs:
                _paragraph(document, paragraph)
    _signature(document, report.signature)
    _annex(document, report)
    _properties(document, report)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _fonts(element: Any, east_asia: str, latin: str = LATIN) -> None:
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(name), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)


def _layout(paragraph_format: Any, indent: bool = True, line: float = 28) -> None:
    paragraph_format.first_line_indent = Pt(32) if indent else Pt(0)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)
    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(line)


def _page(document: Any) -> None:
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)
    page.footer_distance = Cm(2.5)
    footer = page.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _layout(footer.paragraph_format, indent=False, line=20)
    for text in ("— ", None, " —"):
        run = footer.add_run(text or "")
        if text is None:
            _page_field(run)
        _fonts(run._element, "宋体")
        run.font.size = Pt(14)


def _page_field(run: Any) -> None:
    """A PAGE field in ``run``: Word shows the number of the page it is printed on."""
    begin, instruction, separate, shown, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:t"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    separate.set(qn("w:fldCharType"), "separate")
    shown.text = "1"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, shown, end):
        run._r.append(element)


def _styles(document: Any) -> None:
    normal = document.styles["Normal"]
    _fonts(normal.element, "仿宋")
    normal.font.size = Pt(16)
    _layout(normal.paragraph_format)
    for name, east_asia in (("Heading 1", "黑体"), ("Heading 2", "楷体")):
        style = document.styles[name]
        _fonts(style.element, east_asia)
        style.font.size = Pt(16)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        _layout(style.paragraph_format)


def _title(document: Any, title: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _layout(paragraph.paragraph_format, indent=False, line=36)
    paragraph.paragraph_format.space_after = Pt(28)
    run = paragraph.add_run(title)
    _fonts(run._element, "宋体")
    run.font.size = Pt(22)
    run.font.bold = True


def _paragraph(document: Any, paragraph: Paragraph) -> None:
    document.add_paragraph(paragraph.text())


def _signature(document: Any, signature: Signature) -> None:
    """The 落款 (GB/T 9704): a blank line after the body, the issuer two characters from the
    right margin, and under it the date, starting two characters to the right of the
    issuer's first character."""
    issuer, issued = signature.lines()
    document.add_paragraph()
    indents = signature_indents(signature)
    for text, indent in zip((issuer, issued), indents, strict=True):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.first_line_indent = Pt(0)
        paragraph.paragraph_format.right_indent = Pt(CHARACTER.pt * indent)


def _annex(document: Any, report: Report) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading = document.add_heading(report.annex.heading, level=1)
    _layout(heading.paragraph_format, indent=False)
    for paragraph in report.annex.paragraphs:
        _paragraph(document, paragraph)
    rows = list(source_rows(report.annex))
    table = document.add_table(rows=1 + len(rows), cols=len(report.annex.columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, ANNEX_WIDTHS, strict=True):
        column.width = width
    for row, cells in zip(table.rows, [report.annex.columns, *rows], strict=True):
        for cell, text, width in zip(row.cells, cells, ANNEX_WIDTHS, strict=True):
            cell.width = width  # Word reads a cell's own width, LibreOffice the column's
            paragraph = cell.paragraphs[0]
            _layout(paragraph.paragraph_format, indent=False, line=16)
            paragraph.add_run(text).font.size = Pt(10.5)


def _properties(document: Any, report: Report) -> None:
    properties = document.core_properties
    properties.title = report.title
    properties.subject = "法治政府建设年度报告"
    properties.author = report.township_name
    properties.last_modified_by = report.township_name
    properties.keywords = f"{report.township_name} {report.year}年 法治政府建设"
    properties.comments = ""
    properties.language = "zh-CN"
    issued = datetime.combine(report.signature.issued_on, time(), UTC)
    properties.created = properties.modified = issued  # not the blank template's own date
