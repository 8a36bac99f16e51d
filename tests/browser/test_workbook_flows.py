"""The clerk's Excel in Chromium, in Chinese: the template downloaded from the import page,
two rows filled in with labels from its drop-downs (written with openpyxl, as Excel would
save them), imported, and the figures on the dashboard moved; a row with a label that is no
choice of its column named with its header and the labels allowed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def figure(page, name: str) -> int:
    return int(page.locator(f'[data-figure="{name}"]').first.inner_text())


def choices(book, sheet, header: str) -> list[str]:
    """The labels the column's drop-down offers, read from the range it names."""
    letter = sheet.cell(row=1, column=[c.value for c in sheet[1]].index(header) + 1).column_letter
    (check,) = [v for v in sheet.data_validations.dataValidation if f"{letter}2:" in str(v.sqref)]
    name, cells = check.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    return [cell.value for (cell,) in book[name.strip("'")][first:last]]


def test_a_clerk_fills_the_template_with_its_labels_and_the_figures_move(visit, server, tmp_path):
    page = visit()
    log_in(page, server, "clerk2")  # 莫合台镇: nothing of the examples' ids
    page.goto(f"{server}/township/?period=2024")
    before = figure(page, "disputes.registered"), figure(page, "disputes.resolved")

    page.goto(f"{server}/township/import")
    with page.expect_download() as template:
        page.click("text=下载Excel模板")
    book = load_workbook(io.BytesIO(template.value.path().read_bytes()))
    sheet = book["登记"]
    header = [cell.value for cell in sheet[1]]
    types, sources = choices(book, sheet, "类型"), choices(book, sheet, "来源")
    outcomes, mediators = choices(book, sheet, "调解结果"), choices(book, sheet, "调解人")
    sheet.delete_rows(2, sheet.max_row)  # the examples, as the guide says
    for row in (
        {"类型": types[types.index("排查矛盾纠纷")], "编号": "浏览器-1",
         "发生日期": date(2024, 6, 1), "来源": sources[sources.index("信访")], "类别": "宅基地"},
        {"类型": types[types.index("调解")], "编号": "浏览器-1", "发生日期": date(2024, 6, 8),
         "调解结果": outcomes[0], "调解人": mediators[0]},
    ):  # fmt: skip
        sheet.append([row.get(name) for name in header])
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    page.set_input_files("#f-file", str(filled))
    page.click("form.narrow button[type=submit]")
    assert "已登记 2 条" in page.inner_text("[role=status]")
    screenshot(page, "import-workbook")

    page.goto(f"{server}/township/?period=2024")
    after = figure(page, "disputes.registered"), figure(page, "disputes.resolved")
    assert after == (before[0] + 1, before[1] + 1)

    sheet.delete_rows(2, sheet.max_row)
    wrong = {"类型": "排查矛盾纠纷", "编号": "浏览器-2", "发生日期": date(2024, 6, 2),
             "来源": "道听途说", "类别": "邻里"}  # fmt: skip
    sheet.append([wrong.get(name) for name in header])
    book.save(filled)
    page.goto(f"{server}/township/import")
    page.set_input_files("#f-file", str(filled))
    page.click("form.narrow button[type=submit]")
    errors = page.inner_text("section.errors")
    assert "第 2 行 · 来源：须为以下之一：" + "、".join(sources) in errors
    assert "道听途说" in errors
    screenshot(page, "import-workbook-error")
