"""The county's ranking as a workbook an officer reads: the ranking with the period and the
time it was made, the indicators with their weights and the rule in words, and every
township's figures; every name as the pages say it, rates as percentages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from spreadsheets import display_width, paragraph, printed_across, workbook_bytes
from web.labels import QUALITY_FLAGS, VALUES, figure_label, listed
from web.workbooks.template import HEADER, HEADER_FILL

PERCENT = "0.0%"
SCORE = "0.00"
WHOLE = "0"
# Until the installation's time zone is a setting (LEDGER_TIMEZONE), times are the county's.
ZONE = ZoneInfo("Asia/Shanghai")
QUARTERS = {"1": _l("第一季度"), "2": _l("第二季度"), "3": _l("第三季度"), "4": _l("第四季度")}
RULE = _l(
    "得分 = 100 × Σ（权重 × 指标值）÷ Σ（权重），只计有数据的指标。"
    "比率的指标值就是比率，“越低越好”时取 1 − 比率；"
    "数量在县内各乡镇之间换算到 0 至 1：（数值 − 最小值）÷（最大值 − 最小值），"
    "“越低越好”时为（最大值 − 数值）÷（最大值 − 最小值），各乡镇相同时为 1。"
)
SKIPPED = re.compile(r"(township|period|as_of|report\..*|.*\.laws)")


def local_time(moment: str) -> str:
    """An ISO moment of the ledger (UTC) as people read it where the county is:
    2026年12月6日 22:33."""
    local = datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(ZONE)
    if str(get_locale()).startswith("zh"):
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    return f"{local.day} {local:%B %Y %H:%M}"


def period_label(period: str) -> str:
    """2024 as 2024年, 2024-Q1 as 2024年第一季度, 2024-03 as 2024年3月."""
    year, _sep, part = period.partition("-")
    if not part:
        return _("%(year)s年", year=year)
    if part.startswith("Q"):
        return _("%(year)s年%(quarter)s", year=year, quarter=QUARTERS.get(part[1:], part))
    return _("%(year)s年%(month)s月", year=year, month=int(part))


def ranking_workbook(ranking: dict[str, Any], figures: list[dict[str, Any]]) -> bytes:
    """The ranking, its indicators and every township's figures."""
    book = Workbook()
    _ranking(book.active, ranking)
    _indicators(book.create_sheet(_("指标")), ranking)
    _figures(
        book.create_sheet(_("数据")),
        figures,
        {r["township"]: r["name"] for r in ranking["townships"]},
    )
    return workbook_bytes(book)


def _ranking(sheet: Worksheet, ranking: dict[str, Any]) -> None:
    sheet.title = _("排名")
    weights = ranking["weights"]
    sheet.append([_("%(period)s 各乡镇排名", period=period_label(ranking["period"]))])
    sheet["A1"].font = HEADER
    sheet.append([_("制表时间：%(moment)s", moment=local_time(ranking["as_of"]))])
    labels = [figure_label(w["figure"]) for w in weights]
    # The peer group and the rank within it, when the county has groups (last: the columns
    # before keep their places).
    grouped = any("group" in row for row in ranking["townships"])
    groups = [_("分组"), _("组内名次")] if grouped else []
    _header(sheet, [_("名次"), _("乡镇"), _("得分"), *labels, _("数据质量"), *groups])
    for row in ranking["townships"]:
        values = [row["indicators"][w["figure"]]["value"] for w in weights]
        flags = listed(str(QUALITY_FLAGS[rule]) for rule in row.get("flags", []))
        group = [row.get("group"), row.get("group_rank")] if grouped else []
        sheet.append([row["rank"], row["name"], row["score"], *values, flags or None, *group])
        cells = sheet[sheet.max_row]
        cells[2].number_format = SCORE
        for cell, weight in zip(cells[3:], weights, strict=False):
            cell.number_format = _format(weight["figure"])
    sheet.freeze_panes = "A4"
    names = [row["name"] for row in ranking["townships"]]
    group_widths = [12, 10] if grouped else []
    _widths(
        sheet, [8, _fit(16, names), 10, *(_fit(14, [label]) for label in labels), 24, *group_widths]
    )
    printed_across(sheet, landscape=True)


def _indicators(sheet: Worksheet, ranking: dict[str, Any]) -> None:
    _header(sheet, [_("指标"), _("权重"), _("方向")])
    for weight in ranking["weights"]:
        direction = str(VALUES.get(weight["direction"], weight["direction"]))
        sheet.append([figure_label(weight["figure"]), weight["weight"], direction])
    _widths(sheet, [28, 10, 12])
    sheet.append([])
    sheet.append([_("计算方法")])
    sheet.cell(row=sheet.max_row, column=1).font = HEADER
    paragraph(sheet, str(RULE), 3)
    sheet.freeze_panes = "A2"
    printed_across(sheet)


def _figures(sheet: Worksheet, figures: list[dict[str, Any]], names: dict[str, str]) -> None:
    """A row for each figure, a column for each township."""
    flat = [dict(_flatten(doc)) for doc in figures]
    _header(sheet, [_("数据项"), *(names.get(doc["township"], "") for doc in figures)])
    for name in dict.fromkeys(key for row in flat for key in row):
        sheet.append([figure_label(name), *(row.get(name) for row in flat)])
        for cell in sheet[sheet.max_row][1:]:
            cell.number_format = _format(name)
    sheet.freeze_panes = "B2"
    _widths(sheet, [34, *(_fit(14, [names.get(doc["township"], "")]) for doc in figures)])


def _format(figure: str) -> str:
    return (
        PERCENT
        if figure.startswith("rates.") and not figure.endswith(("numerator", "denominator"))
        else WHOLE
    )


def _flatten(doc: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """The figures of a figures document by their dotted names (a rate's value as the rate
    itself: ``rates.rectification``)."""
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if SKIPPED.fullmatch(name):
            continue
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        elif not isinstance(value, list):
            yield name.removesuffix(".value") if name.startswith("rates.") else name, value


def _header(sheet: Worksheet, names: list[Any]) -> None:
    sheet.append([str(name) for name in names])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER, HEADER_FILL


def _fit(least: int, texts: list[str]) -> int:
    return min(40, max(least, *(display_width(text) + 2 for text in texts)))


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
