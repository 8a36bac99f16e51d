"""Reading a sheet within limits (spreadsheets.reading): the rows a sheet holds and no others,
values as Excel keeps them, every limit passed and every damaged part refused by name (the
sheet and the row where it can), and cells written by the product never formulas."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from domain.errors import InvalidField
from spreadsheets import LIMITS, Limits, WorkbookRefused, read_rows, workbook_bytes
from tests.xlsx_parts import (
    malformed,
    package,
    parts_bomb,
    row_bomb,
    sheet_xml,
    strings_bomb,
    strings_xml,
    text_row,
    workbook_xml,
)

CODES = {
    "truncated sheet": ("sheet.broken", 2),
    "billion laughs": ("workbook.broken", None),
    "xxe": ("workbook.broken", None),
    "bad number": ("cell.not_number", 2),
    "not a number": ("cell.not_number", 2),
    "bad date": ("cell.not_date", 2),
    "bad iso date": ("cell.not_date", 2),
    "bad shared string": ("cell.no_string", 2),
    "bad cell reference": ("cell.bad_reference", 2),
    "cell of another row": ("cell.bad_reference", 2),
    "rows out of order": ("sheet.broken", 5),
    "not a zip": ("file.not_workbook", None),
    "zip of something else": ("file.not_workbook", None),
    "no sheet part": ("workbook.broken", None),
    "no sheet": ("workbook.no_sheet", None),
    "workbook not xml": ("workbook.broken", None),
}


def rows(data: bytes, **options) -> list[tuple[int, tuple]]:
    return [(row.number, row.values) for row in read_rows(data, **options)]


def refusal(data: bytes, **options) -> InvalidField:
    with pytest.raises(InvalidField) as refused:
        rows(data, **options)
    assert refused.value.field == "file"
    return refused.value


def test_missing_rows_are_never_filled():
    data = package(sheet_xml(text_row(1, "a") + text_row(40_000, "b")))
    assert rows(data) == [(1, ("a",)), (40_000, ("b",))]


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_a_row_bomb_is_refused_at_its_row_without_reading_up_to_it(declared):
    refused = refusal(row_bomb(declared=declared))
    assert isinstance(refused, WorkbookRefused)
    assert (refused.code, refused.sheet, refused.line) == (
        "sheet.too_many_rows",
        "登记",
        30_000_000,
    )


def test_a_dimension_declared_past_the_limit_is_refused_before_any_row():
    declared = package(sheet_xml(text_row(1, "a"), "A1:E30000000"))
    refused = refusal(declared)
    assert (refused.code, refused.line) == ("sheet.too_many_rows", 30_000_000)


def test_a_row_past_the_limit_is_refused_naming_it_and_the_last_allowed_is_read():
    last = package(sheet_xml(text_row(LIMITS.rows, "x")))
    assert rows(last) == [(LIMITS.rows, ("x",))]
    refused = refusal(package(sheet_xml(text_row(LIMITS.rows + 1, "x"))))
    assert (refused.code, refused.line) == ("sheet.too_many_rows", LIMITS.rows + 1)
    assert "50,000" in refused.message


def test_a_shared_strings_bomb_is_refused_before_its_strings_are_read():
    bomb = strings_bomb()
    tracemalloc.start()
    try:
        refused = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.code == "workbook.too_large"
    assert peak < 2 * 2**20  # the 90 MB were never unpacked


def test_a_zip_of_more_parts_than_a_workbook_has_is_refused_before_its_directory_is_read():
    bomb = parts_bomb()
    tracemalloc.start()
    try:
        refused = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.code == "workbook.too_many_parts"
    assert peak < 2**20  # no entry of the 100,000 was read


def test_a_part_packed_as_no_workbook_is_is_refused():
    body = text_row(1, "x" * 5000) * 1
    data = package(sheet_xml(body + "<!-- " + " " * (3 * 2**20) + " -->"))
    limits = Limits(ratio=50, ratio_from=2**20)
    assert refusal(data, limits=limits).code == "workbook.packed_too_tightly"


def test_too_many_columns_cells_and_elements_are_refused_by_row():
    wide = package(sheet_xml('<row r="3"><c r="ZZ3" t="inlineStr"><is><t>x</t></is></c></row>'))
    refused = refusal(wide)
    assert (refused.code, refused.line) == ("sheet.too_many_columns", 3)
    declared = package(sheet_xml(text_row(1, "a"), "A1:XFD2"))
    assert refusal(declared).code == "sheet.too_many_columns"
    many = package(sheet_xml("".join(text_row(n, "a", "b", "c") for n in range(1, 11))))
    refused = refusal(many, limits=Limits(cells=20))
    assert (refused.code, refused.line) == ("sheet.too_many_cells", 7)
    assert refusal(many, limits=Limits(elements=30)).code == "workbook.too_large"


@pytest.mark.parametrize("name", sorted(CODES))
def test_a_damaged_workbook_is_refused_naming_what_and_where(name):
    refused = refusal(malformed()[name])
    code, row = CODES[name]
    assert (refused.code, getattr(refused, "line", None)) == (code, row)
    if row is not None:
        assert refused.sheet == "登记" and f"row {row}" in refused.message


def test_values_come_as_excel_keeps_them():
    cells = (
        '<c r="A2" t="s"><v>1</v></c>'
        '<c r="B2" s="1"><v>45356</v></c>'  # a date in a date format
        '<c r="C2" s="2"><v>45357</v></c>'  # Chinese Excel's 2024年3月7日 (built-in 31)
        '<c r="D2"><v>40</v></c><c r="E2"><v>2.5</v></c>'
        '<c r="F2" t="b"><v>1</v></c>'
        '<c r="G2" t="inlineStr"><is><r><t>宪法</t></r><r><t>宣传</t></r></is></c>'
        '<c r="H2" t="d"><v>2024-03-05T00:00:00</v></c>'
        '<c r="J2" t="str"><v>公式的结果</v></c>'
        '<c r="K2" s="1"/>'
    )
    shared = strings_xml("类型").replace(
        "</sst>", '<si><t>信访</t><rPh sb="0" eb="2"><t>xinfang</t></rPh></si></sst>'
    )
    data = package(sheet_xml(text_row(1, "a") + f'<row r="2">{cells}</row>'), strings=shared)
    (_, first), (_, second) = rows(data)
    assert first == ("a",)
    assert second == (
        "信访",
        date(2024, 3, 5),
        date(2024, 3, 6),
        40,
        2.5,
        True,
        "宪法宣传",
        date(2024, 3, 5),
        None,
        "公式的结果",
    )


def test_a_1904_workbook_counts_its_dates_from_1904():
    cells = '<row r="1"><c r="A1" s="1"><v>1</v></c></row>'
    data = package(sheet_xml(cells), workbook=workbook_xml(extra='<workbookPr date1904="1"/>'))
    assert rows(data) == [(1, (date(1904, 1, 2),))]
    assert rows(package(sheet_xml(cells))) == [(1, (date(1900, 1, 1),))]


def test_the_named_sheet_is_read_first_wherever_it_stands():
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["这不是数据"])
    book.create_sheet("登记").append(["类型", datetime(2024, 3, 5)])
    data = workbook_bytes(book)
    assert rows(data, sheet=("登记",)) == [(1, ("类型", date(2024, 3, 5)))]
    assert rows(data) == [(1, ("这不是数据",))]


def test_openpyxl_workbooks_read_as_openpyxl_reads_them():
    book = Workbook()
    for n in range(200):
        book.active.append([f"D-{n}", n, n / 3, date(2024, 1, 1), None, "信访", True])
    data = workbook_bytes(book)
    theirs = load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True)
    for mine, expected in zip(read_rows(data), theirs, strict=True):
        expected = [v.date() if isinstance(v, datetime) else v for v in expected]
        assert list(mine.values) == expected[: len(mine.values)]
        assert all(v is None for v in expected[len(mine.values) :])


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点")', "+1", "-1+2", "@SUM(A1)", "\t=1"])
def test_no_cell_the_product_writes_is_a_formula(text):
    book = Workbook()
    book.active.append([text, -5, "乡镇"])
    read = load_workbook(io.BytesIO(workbook_bytes(book))).active
    assert read["A1"].data_type == "s" and read["A1"].value == text
    assert read["A1"].quotePrefix  # Excel keeps it text when the cell is edited
    assert (read["B1"].value, read["B1"].data_type) == (-5, "n")  # numbers stay numbers


def test_a_workbook_saved_by_libreoffice_reads_as_written():
    """The template saved again by LibreOffice Calc 7.4 (its shared strings, its own styles
    and date formats, a thousand empty styled rows): the same rows, dates as dates."""
    data = (Path(__file__).parents[1] / "fixtures/template-saved-by-libreoffice.xlsx").read_bytes()
    read = [
        row for row in read_rows(data, sheet=("登记",)) if any(v is not None for v in row.values)
    ]
    assert [row.number for row in read] == [1, 2, 3, 4, 5]
    assert read[0].values[:3] == ("类型", "编号", "发生日期")
    assert read[1].values[:3] == ("排查矛盾纠纷", "示例-纠纷-1", date(2026, 11, 16))
    assert "合法性审查、集体讨论决定" in read[4].values
