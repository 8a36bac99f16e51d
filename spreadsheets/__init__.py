"""Spreadsheets at the edge: an .xlsx workbook's bytes read into rows within limits decided
before parsing (``reading``), and workbooks written with every cell inert (``writing``).

This package knows the file format, not the ledger: what a row means (an entry, a township, a
user) is for the caller to map. It imports only the domain's errors, so that a refusal is a
``LedgerError`` with a code every interface can say; the pages, the API and any later use case
(bulk onboarding of townships and users) read workbooks through the same function.
"""

from spreadsheets.limits import LIMITS, Limits
from spreadsheets.reading import Row, WorkbookRefused, read_rows
from spreadsheets.writing import (
    display_width,
    inert,
    paragraph,
    printed_across,
    workbook_bytes,
)

__all__ = [
    "LIMITS",
    "Limits",
    "Row",
    "WorkbookRefused",
    "display_width",
    "inert",
    "paragraph",
    "printed_across",
    "read_rows",
    "workbook_bytes",
]
