"""The entries workbook: its columns, what people write in them (the pages' labels, in Chinese
or English, or the ledger's codes), and a filled-in workbook read as interchange lines.

A column is named by its field's label (「发生日期」) or its code (``occurred_on``); a choice by
its value's label (「信访」) or code (``petition``), looked up among the values that field of
that row's type allows (「调解」 is a type, and also a volunteer's post: never confused).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter

from domain.errors import InvalidField
from services.catalogue import TOWNSHIP_CREATIONS, FieldSpec, fields_of, follow_ups_of
from services.interchange import ImportRejected, LineError
from spreadsheets import Row, read_rows
from web.i18n import LANGUAGES
from web.labels import FIELDS, TYPES, VALUES

ENVELOPE = ("type", "id", "occurred_on")
# The column naming the files a row's entry carries (a ZIP of the workbook and its files).
EVIDENCE = "evidence"
# What separates the items of a list in a cell: as people type them, and Alt+Enter.
NOTE = re.compile(r"[（(][^（）()]*[）)]$")
LIST_SEPARATORS = ("、", ",", "，", ";", "；", "\n")
FLAGS = {"true": True, "false": False, "是": True, "否": False, "yes": True, "no": False}
# The entries sheet of the template, in any language of the pages (and the name it had
# before): read first wherever it stands; a workbook without one is read from its first sheet.
ENTRY_SHEET = _l("登记")


def importable_types() -> list[str]:
    types = []
    for creation in TOWNSHIP_CREATIONS:
        types += [creation, *follow_ups_of(creation)]
    return [*types, "entry_retracted"]


def columns() -> list[str]:
    """The fields a row may give, in the template's order (a report's themes, a text for
    each theme, are no cell's: the head writes them on the report page)."""
    names = list(ENVELOPE)
    for type_ in importable_types():
        names += [
            spec.name
            for spec in fields_of(type_)
            if spec.kind != "themes" and spec.name not in names
        ]
    return names


def _key(text: str) -> str:
    """A name or label as looked up: without spaces, case or the width of its brackets."""
    return "".join(text.split()).casefold().replace("(", "（").replace(")", "）")


def in_every_language(codes: Iterable[str], label: Callable[[str], Any]) -> dict[str, str]:
    """Each code by itself and by its label in every language of the pages."""
    found: dict[str, str] = {}
    for language in LANGUAGES.values():
        with force_locale(language):
            found.update({_key(str(label(code))): code for code in codes})
    found.update({_key(code): code for code in codes})
    return found


def entry_sheets() -> list[str]:
    names = []
    for language in LANGUAGES.values():
        with force_locale(language):
            names.append(str(ENTRY_SHEET))
    return [*names, "entries"]


class Naming:
    """The names a workbook may use, resolved to the ledger's codes (built once per read)."""

    def __init__(self) -> None:
        self.columns = in_every_language([*columns(), EVIDENCE], lambda c: FIELDS.get(c, c))
        # A label's note in brackets may be left out: 所学法律 for 所学法律（每行一部）.
        short = in_every_language(columns(), lambda c: NOTE.sub("", str(FIELDS.get(c, c))))
        self.columns.update({k: v for k, v in short.items() if k not in self.columns})
        self.types = in_every_language(importable_types(), lambda t: TYPES.get(t, t))
        self._choices: dict[tuple[str, ...], dict[str, str]] = {}
        self._fields = {
            t: {spec.name: spec for spec in fields_of(t)} for t in set(self.types.values())
        }

    def fields(self, type_: Any) -> dict[str, FieldSpec]:
        """The fields of a type a row may name (none for a type that is no such type)."""
        return self._fields.get(type_, {}) if isinstance(type_, str) else {}

    def choice(self, allowed: tuple[str, ...], given: str) -> str:
        if allowed not in self._choices:
            self._choices[allowed] = in_every_language(allowed, lambda v: VALUES.get(v, v))
        return self._choices[allowed].get(_key(given), given)


def lines_from(upload: bytes, township: str) -> list[str]:
    """The workbook's entries sheet as interchange lines, line n from row n + 1 (a blank or
    missing row is a blank line, so that line numbers stay row numbers). A row naming files
    is refused: files come with the workbook in a ZIP (``lines_and_files``)."""
    lines, named = lines_and_files(upload, township)
    if named:
        refused = InvalidField(EVIDENCE, "workbook.files_need_zip")
        raise ImportRejected([LineError.of(number, refused) for number in sorted(named)])
    return lines


def lines_and_files(upload: bytes, township: str) -> tuple[list[str], dict[int, list[str]]]:
    """The lines, and the names of the files each line's row gives in the 佐证材料 column."""
    naming = Naming()
    rows = read_rows(upload, sheet=entry_sheets())
    first = next(rows, None)
    header = _header(first.values if first else (), naming)
    lines: list[str] = []
    named: dict[int, list[str]] = {}
    for row in rows:
        lines += [""] * (row.number - 2 - len(lines))
        line, files = _row_line(row, header, naming, township)
        lines.append(line)
        if files:
            named[len(lines)] = files
    return lines, named


def _row_line(row: Row, header: list[str], naming: Naming, township: str) -> tuple[str, list]:
    given = {
        header[n] if n < len(header) else _unnamed(n + 1): value
        for n, value in enumerate(row.values)
        if value is not None and value != ""
    }
    files = _cell("texts", given.pop(EVIDENCE, []))
    if not given and not files:
        return "", []
    line = json.dumps(_line(given, township, naming), ensure_ascii=False)
    return line, files if isinstance(files, list) else [str(files)]


def _header(row: tuple[Any, ...], naming: Naming) -> list[str]:
    """Row 1's names, as codes where a name is a column's label or code. A column without a
    name is called by its letter, so that a value under it is refused naming the row and the
    column (it was dropped unsaid); a column named twice (``id`` and 编号 alike) is refused
    (the later column's values replaced the earlier's)."""
    names: list[str] = []
    for number, cell in enumerate(row, start=1):
        text = str(cell).strip() if cell is not None else ""
        name = (
            naming.columns.get(_key(text), text) if text else f"column {get_column_letter(number)}"
        )
        if name in names:
            raise InvalidField("file", "file.column_twice", name=text or name)
        names.append(name)
    return names


def _unnamed(column: int) -> str:
    """A column row 1 gives no name, as an error names it."""
    return f"column {get_column_letter(column)}"


def _line(given: dict[str, Any], township: str, naming: Naming) -> dict[str, Any]:
    line: dict[str, Any] = {"township": township}
    type_ = given.get("type")
    if isinstance(type_, str):
        type_ = given["type"] = naming.types.get(_key(type_), type_)
    specs = naming.fields(type_)
    for name, value in given.items():
        spec = specs.get(name)
        kind = spec.kind if spec else ("day" if name == "occurred_on" else "text")
        line[name] = _cell(kind, value)
        if spec and spec.allowed and isinstance(line[name], str):
            line[name] = naming.choice(spec.allowed, line[name])
        elif spec and spec.allowed and isinstance(line[name], list):
            line[name] = [naming.choice(spec.allowed, item) for item in line[name]]
    return line


def _cell(kind: str, value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):  # a time of day alone: no date, refused as such
        return value.isoformat()
    if kind in ("count", "year", "quarter") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind in ("choices", "texts") and isinstance(value, str):
        for separator in LIST_SEPARATORS[1:]:
            value = value.replace(separator, LIST_SEPARATORS[0])
        return [part.strip() for part in value.split(LIST_SEPARATORS[0]) if part.strip()]
    if kind == "flag" and isinstance(value, str):
        return FLAGS.get(_key(value), value)
    if kind in ("text", "long_text", "entry_id", "day", "choice") and isinstance(
        value, int | float
    ):
        return str(value)
    return value
