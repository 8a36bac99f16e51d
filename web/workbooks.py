"""Excel workbooks at the edge: the import template, reading an uploaded workbook into lines
of the interchange format, and the county's ranking and figures as a download."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from domain.errors import InvalidField
from services.catalogue import TOWNSHIP_CREATIONS, event_class, fields_of, follow_ups_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENVELOPE = ("type", "id", "occurred_on")
LIST_SEPARATORS = ("、", ",", "，", ";", "；")


def importable_types() -> list[str]:
    types = []
    for creation in TOWNSHIP_CREATIONS:
        types += [creation, *follow_ups_of(creation)]
    return [*types, "entry_retracted"]


def columns() -> list[str]:
    names = list(ENVELOPE)
    for type_ in importable_types():
        names += [name for name in event_class(type_).FIELDS if name not in names]
    return names


def template() -> bytes:
    """A workbook to fill in: one row per line of the interchange format, and a sheet that
    lists each type's fields and allowed values."""
    book = Workbook()
    sheet = book.active
    sheet.title = "entries"
    sheet.append(columns())
    sheet.append(["dispute_registered", "D-2024-0001", "2024-03-05", None, None, None])
    guide = book.create_sheet("types")
    guide.append(["type", "field", "required", "allowed values"])
    for type_ in importable_types():
        for spec in fields_of(type_):
            allowed = " / ".join(spec.allowed) if spec.allowed else spec.kind
            guide.append([type_, spec.name, "no" if spec.optional else "yes", allowed])
    return _bytes(book)


def lines_from(upload: bytes, township: str) -> list[str]:
    """The workbook's first sheet as interchange lines, line n from row n + 1 (a blank row
    is a blank line, so that line numbers stay row numbers)."""
    try:
        book = load_workbook(io.BytesIO(upload), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError):
        raise InvalidField("file", "file.not_workbook") from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = _header(next(rows, ()))
    lines = []
    for row in rows:
        given = {k: v for k, v in zip(header, row, strict=False) if v not in (None, "")}
        lines.append(json.dumps(_line(given, township), ensure_ascii=False) if given else "")
    return lines


def _header(row: tuple[Any, ...]) -> list[str]:
    """Row 1's names. A column without a name is called by its letter, so that a value under
    it is refused naming the row and the column (it was dropped unsaid); a name given twice
    (``id`` and ``id `` alike) is refused (the later column's values replaced the earlier's)."""
    names: list[str] = []
    for number, cell in enumerate(row, start=1):
        name = (str(cell).strip() if cell is not None else "") or (
            f"column {get_column_letter(number)}"
        )
        if name in names:
            raise InvalidField("file", "file.column_twice", name=name)
        names.append(name)
    return names


def _line(given: dict[str, Any], township: str) -> dict[str, Any]:
    line: dict[str, Any] = {"township": township}
    kinds = {}
    if isinstance(given.get("type"), str) and given["type"] in importable_types():
        kinds = {spec.name: spec.kind for spec in fields_of(given["type"])}
    for name, value in given.items():
        line[name] = _cell(kinds.get(name, "day" if name == "occurred_on" else "text"), value)
    return line


def _cell(kind: str, value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if kind in ("count", "year") and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind in ("choices", "texts") and isinstance(value, str):
        for separator in LIST_SEPARATORS[1:]:
            value = value.replace(separator, LIST_SEPARATORS[0])
        return [part.strip() for part in value.split(LIST_SEPARATORS[0]) if part.strip()]
    if kind == "flag" and isinstance(value, str):
        return {"true": True, "false": False, "是": True, "否": False}.get(value.lower(), value)
    if kind in ("text", "long_text", "entry_id", "day") and isinstance(value, int | float):
        return str(value)
    return value


def ranking_workbook(ranking: dict[str, Any], figures: list[dict[str, Any]]) -> bytes:
    """The ranking (with its weights and formula) and every township's figures."""
    book = Workbook()
    sheet = book.active
    sheet.title = "ranking"
    names = list(ranking["weights"])
    sheet.append(["rank", "township", "name", "score", *(w["figure"] for w in names)])
    for row in ranking["townships"]:
        values = [row["indicators"][w["figure"]]["value"] for w in names]
        sheet.append([row["rank"], row["township"], row["name"], row["score"], *values])
    sheet.append([])
    sheet.append(["formula", ranking["formula"]])
    for w in names:
        sheet.append(["weight", w["figure"], w["direction"], w["weight"]])
    sheet.append(["period", ranking["period"], "as of", ranking["as_of"]])
    table = book.create_sheet("figures")
    flat = [dict(_flatten(doc)) for doc in figures]
    header = sorted({k for row in flat for k in row} - {"township"})
    table.append(["township", *header])
    for row in flat:
        table.append([row.get("township"), *(row.get(k) for k in header)])
    return _bytes(book)


def _flatten(doc: dict[str, Any], prefix: str = ""):
    for key, value in doc.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            yield f"{prefix}{key}", value


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
