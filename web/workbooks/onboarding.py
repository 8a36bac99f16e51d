"""The county's onboarding workbook: a sheet of townships (code, name) and a sheet of people
(username, role, township), in Chinese; read into rows for ``Administration.onboard`` (every
row checked, nothing created on any error). Read within the limits of ``spreadsheets``."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from spreadsheets import paragraph, read_rows, workbook_bytes
from web.i18n import LANGUAGES
from web.labels import ROLES
from web.workbooks.entries import _key, in_every_language

GRANTED = ("clerk", "head", "auditor")
TOWNSHIP_SHEET, PEOPLE_SHEET = _l("乡镇"), _l("人员")
# Each sheet's columns, in order: the field each holds and its header.
TOWNSHIP_COLUMNS = (("code", _l("乡镇代码")), ("name", _l("乡镇名称")))
PEOPLE_COLUMNS = (("username", _l("用户名")), ("role", _l("角色")), ("township", _l("乡镇代码")))
COLUMN_LABELS = {
    "code": _l("乡镇代码"),
    "name": _l("乡镇名称"),
    "username": _l("用户名"),
    "role": _l("角色"),
    "township": _l("乡镇代码"),
    "file": _l("文件"),
}
SHEET_LABELS = {"townships": TOWNSHIP_SHEET, "people": PEOPLE_SHEET}
GUIDE = _l(
    "在“乡镇”表中每行填写一个新乡镇的代码（小写字母、数字或连字符）和名称；在“人员”表中每行"
    "填写一个账号：用户名（小写字母、数字或连字符）、角色（从下拉列表中选择：镇办事员、镇领导或"
    "审计）和所属乡镇的代码（审计不填）。乡镇可以是本表新建的，也可以是已有的。任何一行有误，"
    "则什么都不新建，并列出每一行的错误。上传成功后，每个账号的一次性密码只显示一次。"
)


def template() -> bytes:
    """The workbook to fill in: its two sheets with their headers, a drop-down of roles,
    and a sheet saying how."""
    book = Workbook()
    towns = book.active
    towns.title = str(TOWNSHIP_SHEET)
    people = book.create_sheet(str(PEOPLE_SHEET))
    for sheet, columns in ((towns, TOWNSHIP_COLUMNS), (people, PEOPLE_COLUMNS)):
        for number, (_field, header) in enumerate(columns, start=1):
            cell = sheet.cell(row=1, column=number, value=str(header))
            cell.font = Font(bold=True)
            cell.number_format = "@"
            sheet.column_dimensions[cell.column_letter].width = 24
    roles = ",".join(str(ROLES[r]) for r in GRANTED)
    choose = DataValidation(type="list", formula1=f'"{roles}"', allow_blank=True)
    people.add_data_validation(choose)
    choose.add("B2:B1001")
    guide = book.create_sheet(_("说明"))
    guide.column_dimensions["A"].width = 100
    paragraph(guide, str(GUIDE), 1)
    return workbook_bytes(book)


def rows_from(upload: bytes) -> tuple[list[tuple], list[tuple]]:
    """The townships ``(row, code, name)`` and the people ``(row, username, role,
    township)`` of the workbook (a role by its label in any language of the pages, or its
    code)."""
    roles = in_every_language(GRANTED, lambda r: ROLES[r])
    townships = [
        (number, *values)
        for number, values in _sheet(upload, TOWNSHIP_SHEET, "townships", TOWNSHIP_COLUMNS)
    ]
    people = []
    for number, (username, role, township) in _sheet(
        upload, PEOPLE_SHEET, "people", PEOPLE_COLUMNS
    ):
        if isinstance(role, str):
            role = roles.get(_key(role), role)
        people.append((number, username, role, township))
    return townships, people


def _sheet(upload: bytes, label: Any, code: str, columns: tuple) -> list[tuple[int, tuple]]:
    names = _names(label, code)
    found = []
    for row in read_rows(upload, sheet=names):
        if row.sheet not in names:
            return []  # no such sheet: the workbook's first was read in its place
        if row.number == 1:
            continue
        values = tuple(_cell(row.values, n) for n in range(len(columns)))
        if any(v is not None for v in values):
            found.append((row.number, values))
    return found


def _names(label: Any, code: str) -> list[str]:
    names = []
    for language in LANGUAGES.values():
        with force_locale(language):
            names.append(str(label))
    return [*names, code]


def _cell(values: tuple, number: int) -> Any:
    value = values[number] if number < len(values) else None
    if isinstance(value, str):
        value = value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # a code typed as a number is the code
    return value
