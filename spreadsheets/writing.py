"""Workbooks the product writes: no cell is ever a formula.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (a township named ``=HYPERLINK(…)``) would
be taken by openpyxl for a formula, and by Excel for one when the cell is next edited; every
such text is written as text, marked with Excel's quote prefix so that it stays text.
"""

from __future__ import annotations

import io
from unicodedata import east_asian_width

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: Cell) -> Cell:
    """The cell, its value text if it would otherwise be (or become) a formula."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_STARTS)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def display_width(text: str) -> int:
    """How many narrow columns a text takes: a Chinese character two, a Latin one one."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def paragraph(sheet: Worksheet, text: str, columns: int) -> None:
    """A row of text across the sheet's first ``columns`` columns, wrapped, tall enough."""
    sheet.append([text])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    sheet.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    width = sum(
        sheet.column_dimensions[get_column_letter(n)].width or 10 for n in range(1, columns + 1)
    )
    sheet.row_dimensions[row].height = 16 * (display_width(text) // max(int(width) - 4, 1) + 1)


def printed_across(sheet: Worksheet, *, landscape: bool = False) -> None:
    """The sheet printed as wide as a page (as many pages down as it takes)."""
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    if landscape:
        sheet.page_setup.orientation = "landscape"


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, every cell of every sheet inert."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                inert(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
