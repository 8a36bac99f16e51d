"""Workbooks the product writes: no cell is ever a formula.

A text that begins with ``=``, ``+``, ``-`` or ``@`` (a township named ``=HYPERLINK(…)``) would
be taken by openpyxl for a formula, and by Excel for one when the cell is next edited; every
such text is written as text, marked with Excel's quote prefix so that it stays text.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: Cell) -> Cell:
    """The cell, its value text if it would otherwise be (or become) a formula."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or value.startswith(FORMULA_STARTS)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, every cell of every sheet inert."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                inert(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
