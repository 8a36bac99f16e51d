"""One sheet of an .xlsx workbook as rows, read as a stream within limits (spreadsheets.limits).

Only the rows a sheet holds are given, each with its number: a row at 30,000,000 is never
reached through 29,999,999 empty ones; it is refused, as is a sheet whose declared dimension
goes past the last row, before any row is read. Values come as Excel keeps them: text, numbers
(int when whole as written), booleans, dates and times (a number in a date format), None.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from spreadsheets.limits import LIMITS, Limits
from spreadsheets.package import END, RELATIONSHIPS, START, Package, WorkbookRefused

__all__ = ["Row", "WorkbookRefused", "read_rows"]

# A cell's reference (B7), wider than Excel's own so that a declaration past it is read.
CELL = re.compile(r"\$?([A-Za-z]{1,4})\$?([0-9]{1,12})")
WHOLE = re.compile(r"-?[0-9]{1,15}")
# Date and time formats built into Excel by number: openpyxl's (14-22, 45-47) and those of
# Chinese, Japanese and Korean Excel (27-36, 50-58: 2024年3月5日 is 31).
DATE_FORMATS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)))


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int  # as the sheet numbers it: row 1 is the first
    values: tuple[Any, ...]  # column A first; None where a cell is empty or missing


def read_rows(data: bytes, *, sheet: Sequence[str] = (), limits: Limits = LIMITS) -> Iterator[Row]:
    """The rows of the first sheet of ``data`` named in ``sheet`` (else the workbook's
    first sheet), as they are read. Raises WorkbookRefused (or InvalidField: not a workbook)
    naming the sheet and the row where a limit is passed or the file cannot be read."""
    package = Package(data, limits)
    book = _workbook(package)
    name, part = _chosen(book.sheets, sheet)
    reading = _Sheet(package, name, limits, book)
    yield from reading.rows(part)


@dataclass
class _Book:
    sheets: list[tuple[str, str]]  # name, part
    epoch: datetime = CALENDAR_WINDOWS_1900
    dates: frozenset[int] = frozenset()  # styles (cellXfs) whose numbers are dates
    strings_part: str | None = None


def _workbook(package: Package) -> _Book:
    main = "xl/workbook.xml"
    for kind, target in package.relationships("").values():
        if kind.endswith("/officeDocument"):
            main = target
    if not package.has(main):
        raise WorkbookRefused("file.not_workbook")
    targets = package.relationships(main)
    book = _Book(sheets=[])
    for event, name, attributes in package.events(main):
        if event is START and name == "sheet":
            target = targets.get(attributes.get(RELATIONSHIPS) or "", ("", ""))
            if target[0].endswith("/worksheet"):
                book.sheets.append((attributes.get("name") or "", target[1]))
        elif (
            event is START and name == "workbookPr" and attributes.get("date1904") in ("1", "true")
        ):
            book.epoch = CALENDAR_MAC_1904
    if not book.sheets:
        raise WorkbookRefused("workbook.no_sheet")
    for kind, target in targets.values():
        if kind.endswith("/styles") and package.has(target):
            book.dates = _date_styles(package, target)
        elif kind.endswith("/sharedStrings") and package.has(target):
            book.strings_part = target
    return book


def _chosen(sheets: list[tuple[str, str]], wanted: Sequence[str]) -> tuple[str, str]:
    for name in wanted:
        for found in sheets:
            if found[0] == name:
                return found
    return sheets[0]


def _date_styles(package: Package, part: str) -> frozenset[int]:
    """The cell styles whose numbers are dates: their number format is a date's."""
    formats: dict[int, str] = {}
    styles: list[int] = []
    within = False
    for event, name, attributes in package.events(part):
        if name == "cellXfs":
            within = event is START
        elif event is START and name == "numFmt":
            formats[_int(attributes.get("numFmtId"))] = attributes.get("formatCode") or ""
        elif event is START and name == "xf" and within:
            styles.append(_int(attributes.get("numFmtId")))
    return frozenset(n for n, fmt in enumerate(styles) if _is_date(fmt, formats))


def _is_date(number: int, formats: dict[int, str]) -> bool:
    if number in formats:
        return is_date_format(formats[number])
    return number in DATE_FORMATS or is_date_format(BUILTIN_FORMATS.get(number, ""))


def _int(text: str | None) -> int:
    """A whole number as written in an attribute (-1 when it is none: ``²`` is no digit)."""
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 16 else -1


def _strings(package: Package, part: str | None, limits: Limits) -> list[str]:
    """Every shared string, in order (a cell of text points to one by number): an item's
    text and its runs' text, without the phonetic guide (``rPh``)."""
    if part is None:
        return []
    if package.members[part].file_size > limits.strings_bytes:
        raise WorkbookRefused("workbook.too_large", most=limits.strings_bytes // 2**20)
    strings: list[str] = []
    parts: list[str] = []
    phonetic = 0
    for event, name, given in package.events(part):
        if name == "t" and event is END and not phonetic:
            parts.append(given)
        elif name == "rPh":
            phonetic += 1 if event is START else -1
        elif name == "si" and event is END:
            strings.append("".join(parts))
            parts.clear()
            if len(strings) > limits.strings:
                raise WorkbookRefused("workbook.too_large", most=limits.strings_bytes // 2**20)
    return strings


class _Sheet:
    """One sheet's rows, read as a stream: each row's cells are turned into values as they
    end and the row given at its end; rows, cells and columns counted as they come."""

    def __init__(self, package: Package, name: str, limits: Limits, book: _Book) -> None:
        self.package = package
        self.name = name
        self.limits = limits
        self.book = book
        self.row = 0  # the last row begun
        self.cells = 0

    def refused(self, code: str, **params: Any) -> WorkbookRefused:
        return WorkbookRefused(code, sheet=self.name, row=self.row, **params)

    def rows(self, part: str) -> Iterator[Row]:
        strings = _strings(self.package, self.book.strings_part, self.limits)
        values: dict[int, Any] = {}
        cell: dict[str, str] = {}
        given: str | None = None
        inline: list[str] | None = None
        column = 0
        broken = lambda: self.refused("sheet.broken")  # noqa: E731
        for event, name, data in self.package.events(part, broken):
            if event is START:
                if name == "c":
                    cell, given, inline = data, None, None
                    column = self._column(cell.get("r"), column)
                elif name == "row":
                    self._begin(data.get("r"))
                    values, column = {}, 0
                elif name == "is":
                    inline = []
                elif name == "dimension":
                    self._declared(data.get("ref") or "")
            elif name == "v":
                given = data
            elif name == "t" and inline is not None:
                inline.append(data)
            elif name == "c":
                text = "".join(inline) if inline is not None else None
                values[column] = self._value(cell, given, text, strings)
            elif name == "row":
                width = max((c for c, v in values.items() if v is not None), default=0)
                yield Row(self.name, self.row, tuple(values.get(c) for c in range(1, width + 1)))

    def _begin(self, given: str | None) -> None:
        number = _int(given) if given is not None else self.row + 1
        if number <= self.row:  # rows come in order, each once
            raise self.refused("sheet.broken")
        self.row = number
        if number > self.limits.rows:
            raise self.refused("sheet.too_many_rows", most=self.limits.rows)

    def _declared(self, ref: str) -> None:
        """The dimension the sheet declares (``A1:E30000000``): past the limits, refused
        before any row is read."""
        found = CELL.fullmatch(ref.rpartition(":")[2])
        if found is None:
            return  # a declaration only: the rows themselves are checked as they come
        self.row = int(found.group(2))
        if self.row > self.limits.rows:
            raise self.refused("sheet.too_many_rows", most=self.limits.rows)
        if _column(found.group(1)) > self.limits.columns:
            column = found.group(1).upper()
            raise self.refused("sheet.too_many_columns", column=column, most=self.limits.columns)
        self.row = 0

    def _column(self, ref: str | None, previous: int) -> int:
        self.cells += 1
        if self.cells > self.limits.cells:
            raise self.refused("sheet.too_many_cells", most=self.limits.cells)
        if ref is None:
            column = previous + 1
        else:
            found = CELL.fullmatch(ref)
            if found is None or int(found.group(2)) != self.row:
                raise self.refused("cell.bad_reference", cell=_shown(ref))
            column = _column(found.group(1))
            if column <= previous:
                raise self.refused("cell.bad_reference", cell=_shown(ref))
        if column > self.limits.columns:
            raise self.refused(
                "sheet.too_many_columns", column=_letters(column), most=self.limits.columns
            )
        return column

    def _value(
        self, cell: dict[str, str], given: str | None, inline: str | None, strings: list[str]
    ) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            return self._checked(cell, inline)
        if given is None:
            return None
        if kind == "s":
            index = _int(given.strip())
            if not 0 <= index < len(strings):
                raise self._cell_error(cell, "cell.no_string")
            return self._checked(cell, strings[index])
        if kind in ("str", "e"):
            return self._checked(cell, given)
        if kind == "d":
            return self._iso_date(cell, given)
        number = self._number(cell, given)
        if kind == "b":
            return bool(number)
        if _int(cell.get("s")) in self.book.dates:
            return self._date(cell, number)
        return number

    def _checked(self, cell: dict[str, str], text: str | None) -> str | None:
        if text is not None and len(text) > self.limits.text:
            raise self._cell_error(cell, "cell.too_long", most=self.limits.text)
        return text

    def _number(self, cell: dict[str, str], given: str) -> int | float:
        text = given.strip()
        if WHOLE.fullmatch(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise self._cell_error(cell, "cell.not_number", got=_shown(given))
        return number

    def _date(self, cell: dict[str, str], number: float) -> date | datetime | time:
        try:
            moment = from_excel(number, self.book.epoch)
        except (ValueError, OverflowError, TypeError):
            raise self._cell_error(cell, "cell.not_date", got=_shown(str(number))) from None
        if isinstance(moment, datetime) and moment.time() == time():
            return moment.date()
        return moment

    def _iso_date(self, cell: dict[str, str], given: str) -> date | datetime:
        try:
            moment = datetime.fromisoformat(given.strip())
        except ValueError:
            raise self._cell_error(cell, "cell.not_date", got=_shown(given)) from None
        return moment.date() if moment.time() == time() else moment

    def _cell_error(self, cell: dict[str, str], code: str, **params: Any) -> WorkbookRefused:
        return self.refused(code, cell=_shown(cell.get("r") or str(self.row)), **params)


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _shown(text: str) -> str:
    """A value as an error quotes it: cut short, and its characters escaped where they
    would not print."""
    return repr(text if len(text) <= 40 else text[:39] + "…")[1:-1]
