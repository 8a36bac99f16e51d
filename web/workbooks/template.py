"""The import template a township downloads: the entries sheet with its columns named as the
forms name them, a drop-down of labels for every choice, dates as Excel dates and example rows
that import as they are; a sheet explaining each column; the drop-downs' lists, hidden."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from services.catalogue import FieldSpec, fields_of
from spreadsheets import LIMITS, display_width, paragraph, printed_across, workbook_bytes
from web.labels import FIELDS, TYPES, VALUES
from web.workbooks.entries import ENTRY_SHEET, columns, importable_types

DATE_FORMAT = "yyyy-mm-dd"
GUIDE_COLUMNS = (28, 60, 60)
# Dates as Excel dates; ids and texts as text (an id typed 0012 keeps its zeros).
CELL_FORMATS = {"day": DATE_FORMAT, "id": "@", "entry_id": "@", "text": "@", "texts": "@"}
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_PREFIX = "示例-"  # no township of the demo (or any sane one) uses it
HOW = {
    "type": _l("从下拉列表中选择记录的类型"),
    "id": _l("本乡镇自定的编号；后续事项（调解、整改、答复、更正）填写所跟进记录的编号"),
    "day": _l("日期，按Excel日期填写，如 2024-03-05"),
    "count": _l("整数"),
    "year": _l("年份，如 2024"),
    "quarter": _l("季度，1至4的整数"),
    "text": _l("文字，不超过500字"),
    "long_text": _l("文字，可换行，不超过10000字"),
    "texts": _l("一项或多项文字，多项用“、”分隔或在格内换行"),
    "entry_id": _l("所跟进或所属记录的编号"),
    "choice": _l("从下拉列表中选择一项"),
    "choices": _l("从下拉列表中选择，多项用“、”分隔"),
    "flag": _l("从下拉列表中选择“是”或“否”"),
}


def specs() -> dict[str, FieldSpec]:
    """Each column's field as the first type that has it declares it (a field keeps its
    kind and its values across types)."""
    found: dict[str, FieldSpec] = {}
    for type_ in importable_types():
        for spec in fields_of(type_):
            found.setdefault(spec.name, spec)
    return found


def column_kind(name: str, field_specs: dict[str, FieldSpec]) -> str:
    """What a column takes: a field's kind, and the envelope's own (type, id, day)."""
    envelope = {"type": "type", "id": "id", "occurred_on": "day"}
    spec = field_specs.get(name)
    return envelope.get(name) or (spec.kind if spec else "text")


def template() -> bytes:
    book = Workbook()
    entries = book.active
    entries.title = str(ENTRY_SHEET)
    guide = book.create_sheet(_("填写说明"))
    lists = book.create_sheet(_("选项"))
    lists.sheet_state = "hidden"
    names = columns()
    _entries(entries, names, _dropdowns(lists, names))
    _guide(guide, names)
    printed_across(guide)
    return workbook_bytes(book)


def _entries(sheet: Worksheet, names: list[str], dropdowns: dict[str, str]) -> None:
    field_specs = specs()
    sheet.append([str(FIELDS[name]) for name in names])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER, HEADER_FILL
    for example in examples(date.today()):
        sheet.append([_shown(name, example.get(name)) for name in names])
    for number, name in enumerate(names, start=1):
        letter = get_column_letter(number)
        kind = column_kind(name, field_specs)
        shown = [str(FIELDS[name]), *labels_of(name, field_specs)]
        shown += [str(cell.value) for cell in sheet[letter][1:] if isinstance(cell.value, str)]
        sheet.column_dimensions[letter].width = min(40, max(12, *map(display_width, shown)) + 2)
        if kind in CELL_FORMATS:
            sheet.column_dimensions[letter].number_format = CELL_FORMATS[kind]
            for cell in sheet[letter][1:]:
                cell.number_format = CELL_FORMATS[kind]
        if name in dropdowns:
            _dropdown(sheet, letter, dropdowns[name], strict=kind != "choices")
    sheet.freeze_panes = "A2"


def _dropdown(sheet: Worksheet, letter: str, source: str, *, strict: bool) -> None:
    """A drop-down of labels down the column (a list of several, typed with 、, is let be)."""
    check = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle=_("请从列表中选择"),
        error=_("请从下拉列表中选择一项"),
    )
    check.add(f"{letter}2:{letter}{LIMITS.rows}")
    sheet.add_data_validation(check)


def labels_of(name: str, field_specs: dict[str, FieldSpec]) -> list[str]:
    """The labels a column of choices offers (none for a column of free text)."""
    kind = column_kind(name, field_specs)
    if kind == "type":
        return [str(TYPES[t]) for t in importable_types()]
    if kind in ("choice", "choices"):
        return [str(VALUES.get(v, v)) for v in field_specs[name].allowed]
    if kind == "flag":
        return [str(VALUES["true"]), str(VALUES["false"])]
    return []


def _dropdowns(lists: Worksheet, names: list[str]) -> dict[str, str]:
    """Each choice column's labels in a column of the hidden sheet: column -> its range."""
    field_specs = specs()
    sources = {name: labels_of(name, field_specs) for name in names}
    sources = {name: labels for name, labels in sources.items() if labels}
    found = {}
    for number, (name, labels) in enumerate(sources.items(), start=1):
        letter = get_column_letter(number)
        lists.cell(row=1, column=number, value=str(FIELDS[name]))
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=number, value=label)
        found[name] = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(labels) + 1}"
    return found


def examples(today: date) -> list[dict[str, Any]]:
    """Rows that import as they are into a township that does not have them yet: a dispute
    from a petition and its mediation, a lecture, a decision reviewed (every date past)."""
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    dispute = f"{EXAMPLE_PREFIX}纠纷-1"
    return [
        {"type": "dispute_registered", "id": dispute, "occurred_on": day(20),
         "source": "petition", "category": "邻里纠纷"},
        {"type": "dispute_mediated", "id": dispute, "occurred_on": day(10),
         "outcome": "resolved", "mediator": "mediation_committee"},
        {"type": "session_held", "id": f"{EXAMPLE_PREFIX}学法-1", "occurred_on": day(15),
         "kind": "lecture", "title": "宪法宣传讲座", "attendees": 40, "laws": "宪法、民法典"},
        {"type": "decision_reviewed", "id": f"{EXAMPLE_PREFIX}决策-1", "occurred_on": day(12),
         "title": "村道硬化项目", "steps": "legality_review、collective_decision",
         "reviewer": "legal_advisor", "result": "approved"},
    ]  # fmt: skip


def _shown(name: str, value: Any) -> Any:
    """A value as a township writes it: types and choices by their labels."""
    if name == "type":
        return str(TYPES[value])
    if isinstance(value, str) and name in specs() and specs()[name].allowed:
        return "、".join(str(VALUES.get(v, v)) for v in value.split("、"))
    return value


def _guide(sheet: Worksheet, names: list[str]) -> None:
    """What each column takes, and which columns each type of record needs."""
    field_specs = specs()
    for letter, width in zip("ABC", GUIDE_COLUMNS, strict=True):
        sheet.column_dimensions[letter].width = width
    for line in (
        _("如何填写“登记”工作表"),
        _(
            "每一行登记一件事：在“类型”列选择记录的类型，再填写这一类型需要的列（见下方第二个表），其余列留空。"
        ),
        _("带下拉箭头的列请从列表中选择；日期请按Excel日期填写；一格填写多项时用“、”分隔。"),
        _("后续事项（调解、整改、12345答复、更正）另起一行，编号填写所跟进记录的编号。"),
        _("以“示例-”开头的几行是示例，可以照原样导入；登记本乡镇的记录前请删去。"),
        _("导入时，任何一行有误，整个文件都不登记，并列出有误的行。"),
    ):
        paragraph(sheet, line, len(GUIDE_COLUMNS))
    sheet.append([])
    sheet["A1"].font = HEADER
    _table(sheet, [_("列名"), _("填写方式"), _("可选项")])
    for name in names:
        how = HOW[column_kind(name, field_specs)]
        sheet.append([str(FIELDS[name]), str(how), "、".join(labels_of(name, field_specs))])
    sheet.append([])
    _table(sheet, [_("类型"), _("必填的列"), _("选填的列")])
    for type_ in importable_types():
        fields = [s for s in fields_of(type_) if s.kind != "themes"]
        required = [str(FIELDS[n]) for n in ("type", "id", "occurred_on")]
        required += [str(FIELDS[s.name]) for s in fields if not s.optional]
        optional = [str(FIELDS[s.name]) for s in fields if s.optional]
        sheet.append([str(TYPES[type_]), "、".join(required), "、".join(optional)])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _table(sheet: Worksheet, header: list[str]) -> None:
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER, HEADER_FILL
