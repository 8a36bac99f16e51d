"""The workbooks of the pages, opened back with openpyxl: the import template (Chinese headers,
drop-downs of labels, dates as dates, a sheet explaining each column, example rows that import
as they are), workbooks filled in with labels, every damaged workbook refused on the import
page, and the county's ranking workbook in Chinese with no formula and no code in it."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime

import pytest
from flask import session
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook

from tests.support import OPERATOR, unique
from tests.web.conftest import field_error, sign_in
from tests.xlsx_parts import malformed, row_bomb, strings_bomb
from web.labels import FIELDS, VALUES
from web.workbooks.ranking import local_time, period_label

IMPORT = "/township/import"
SOURCES = ["排查发现", "12345热线", "信访", "志愿者", "其他"]
# A code of the ledger as it might leak: snake_case, or a dotted figure name.
CODE = re.compile(r"\b[a-z]+(?:[_.][a-z0-9]+)+\b")


def upload(client, data: bytes, name: str = "entries.xlsx"):
    return client.post(
        IMPORT, data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


@pytest.fixture
def new_town(app, site):
    """A township of the site's county with nothing recorded, and its clerk signed in."""
    code = unique("town")
    site.services.tenancy.add_township(OPERATOR, county=site.county, code=code, name="新乡镇")
    client = app.test_client()
    assert sign_in(client, site.add_user("clerk", township=code)).status_code == 302
    return code, client


def template_of(client) -> Workbook:
    answer = client.get("/township/import/template.xlsx")
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.data))


def header_of(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def dropdown(book: Workbook, sheet, header: str) -> tuple[list[str], bool]:
    """The labels a column's drop-down offers, read from the range it names, and whether it
    refuses anything else."""
    letter = sheet.cell(row=1, column=header_of(sheet).index(header) + 1).column_letter
    (found,) = [v for v in sheet.data_validations.dataValidation if f"{letter}2:" in str(v.sqref)]
    assert found.type == "list"
    name, cells = found.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    source = book[name.strip("'")]
    return [c.value for (c,) in source[first:last]], found.showErrorMessage


def test_the_template_is_chinese_with_drop_downs_and_dates(as_role):
    book = template_of(as_role("clerk"))
    assert book.sheetnames == ["登记", "填写说明", "选项"]
    assert book["选项"].sheet_state == "hidden"
    sheet = book["登记"]
    header = header_of(sheet)
    assert header[:3] == ["类型", "编号", "发生日期"]
    assert {"来源", "活动类别", "类别", "经过的程序", "是否解决", "所学法律（每行一部）"} <= set(
        header
    )
    assert not [h for h in header if CODE.search(h)]
    assert sheet.freeze_panes == "A2"
    assert dropdown(book, sheet, "来源") == (SOURCES, True)
    assert dropdown(book, sheet, "是否解决") == (["是", "否"], True)
    steps, strict = dropdown(book, sheet, "经过的程序")
    assert "合法性审查" in steps and not strict  # several, typed with 、
    types, _strict = dropdown(book, sheet, "类型")
    assert {"排查矛盾纠纷", "调解", "学法/培训/普法活动", "更正（撤回）"} <= set(types)
    day = header.index("发生日期") + 1
    examples = list(sheet.iter_rows(min_row=2))
    assert len(examples) == 4
    for row in examples:
        assert row[1].value.startswith("示例-")
        assert isinstance(row[day - 1].value, datetime) and row[day - 1].value.date() < date.today()
        assert row[day - 1].number_format == "yyyy-mm-dd"
    assert sheet.column_dimensions[row[day - 1].column_letter].number_format == "yyyy-mm-dd"
    guide = [c for row in book["填写说明"].iter_rows(values_only=True) for c in row if c]
    assert "来源" in guide and "、".join(SOURCES) in guide
    assert not [text for text in guide if CODE.search(text)]


def test_the_template_as_downloaded_imports_into_a_township_without_its_ids(new_town, site):
    code, clerk = new_town
    answer = upload(clerk, clerk.get("/township/import/template.xlsx").data)
    assert answer.status_code == 200, answer.text
    assert "已登记 4 条" in answer.text
    entry = site.services.history.entry(OPERATOR, township=code, entry_id="示例-纠纷-1")
    assert [e["type"] for e in entry["events"]] == ["dispute_registered", "dispute_mediated"]
    assert entry["events"][0]["fields"] == {"source": "petition", "category": "邻里纠纷"}
    again = upload(clerk, clerk.get("/township/import/template.xlsx").data)
    assert "已登记 0 条，4 条此前已登记" in again.text


def filled(rows: list[dict[str, object]], header: list[str] | None = None) -> bytes:
    """A workbook as a clerk fills it in: Chinese headers, labels from the drop-downs."""
    book = Workbook()
    sheet = book.active
    sheet.title = "登记"
    names = header or sorted({name for row in rows for name in row}, key=list(FIELDS_ZH).index)
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FIELDS_ZH = ["类型", "编号", "发生日期", "活动类别", "标题", "参加人次", "所学法律"]
FIELDS_ZH += ["经过的程序", "审查人", "审查结果", "类别", "来源", "调解结果", "调解人", "认领岗位"]


def test_a_workbook_filled_with_labels_imports(new_town, site):
    code, clerk = new_town
    rows = [
        {"类型": "排查矛盾纠纷", "编号": "D-1", "发生日期": date(2024, 5, 6), "来源": "信访",
         "类别": "土地"},
        {"类型": "调解", "编号": "D-1", "发生日期": date(2024, 5, 9), "调解结果": "调解成功",
         "调解人": "志愿者"},
        {"类型": "重大决策合法性审查", "编号": "J-1", "发生日期": "2024-05-10", "标题": "修路",
         "经过的程序": "合法性审查、集体讨论决定；公开", "审查人": "法律顾问", "审查结果": "通过"},
        {"类型": "志愿者", "编号": "V-1", "发生日期": date(2024, 5, 11), "认领岗位": "调解"},
        {"类型": "session_held", "编号": "S-1", "发生日期": date(2024, 5, 12),
         "活动类别": "lecture", "标题": "宪法", "参加人次": 30.0, "所学法律": "宪法\n民法典"},
    ]  # fmt: skip
    answer = upload(clerk, filled(rows))
    assert answer.status_code == 200, answer.text
    fields = {
        entry: [e["fields"] for e in history["events"]]
        for entry in ("D-1", "J-1", "V-1", "S-1")
        for history in [site.services.history.entry(OPERATOR, township=code, entry_id=entry)]
    }
    assert fields["D-1"] == [
        {"source": "petition", "category": "土地"},
        {"outcome": "resolved", "mediator": "volunteer"},
    ]
    assert fields["J-1"][0]["steps"] == ["legality_review", "collective_decision", "disclosure"]
    assert fields["V-1"] == [{"post": "mediation"}]  # 调解 the post, not the type
    assert fields["S-1"][0]["laws"] == ["宪法", "民法典"]


def test_a_wrong_label_is_named_with_its_header_and_the_labels_allowed(as_role, app):
    clerk = as_role("clerk")
    good, bad = unique("D"), unique("D")
    rows = [
        {"类型": "排查矛盾纠纷", "编号": good, "发生日期": date(2024, 5, 6), "来源": "信访",
         "类别": "土地"},
        {"类型": "排查矛盾纠纷", "编号": bad, "发生日期": date(2024, 5, 6), "来源": "谣言",
         "类别": "土地"},
    ]  # fmt: skip
    answer = upload(clerk, filled(rows))
    assert answer.status_code == 400
    said = "第 3 行 · 来源：须为以下之一：" + "、".join(SOURCES) + "；填写的是 '谣言'"
    assert said in html.unescape(answer.text)
    assert clerk.get(f"/township/entries/{good}").status_code == 404
    clerk.get("/language/en")
    english = upload(clerk, filled(rows)).text
    with app.test_request_context():
        session["lang"] = "en"
        with force_locale("en"):
            labels = [str(VALUES[v]) for v in ("screening", "petition", "other")]
            header = str(FIELDS["source"])
    assert f"{header}:" in english and all(label in english for label in labels)
    assert "排查发现" not in english


@pytest.mark.parametrize("name", sorted(malformed()))
def test_a_damaged_workbook_is_refused_on_the_import_page(as_role, name):
    answer = upload(as_role("clerk"), malformed()[name])
    assert answer.status_code == 400
    assert field_error(answer.text) == ["file"]


def test_bombs_are_refused_on_the_import_page_naming_the_row(as_role):
    clerk = as_role("clerk")
    rows = upload(clerk, row_bomb())
    assert rows.status_code == 400
    assert "第 30000000 行" in rows.text and "第 50,000 行" in rows.text
    strings = upload(clerk, strings_bomb())
    assert strings.status_code == 400 and "解压后超过 16 MiB" in strings.text


def cells(book: Workbook) -> list:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_the_ranking_workbook_reads_as_a_chinese_spreadsheet(as_role, site):
    answer = as_role("county_officer").get("/county/ranking.xlsx?period=2024-Q1")
    book = load_workbook(io.BytesIO(answer.data))
    assert book.sheetnames == ["排名", "指标", "数据"]
    ranking = book["排名"]
    assert ranking["A1"].value == "2024年第一季度 各乡镇排名"
    assert re.fullmatch(r"制表时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", ranking["A2"].value)
    header = [c.value for c in ranking[3]]
    assert header[:3] == ["名次", "乡镇", "得分"] and "调解成功率" in header
    assert ranking.freeze_panes == "A4"
    rows = {row[1].value: row for row in ranking.iter_rows(min_row=4)}
    assert {"巩留镇", "东买里镇"} <= set(rows)
    town = rows["巩留镇"]
    assert town[2].number_format == "0.00" and isinstance(town[2].value, float)
    rate = town[header.index("调解成功率")]
    assert rate.number_format == "0.0%" and 0 < rate.value <= 1
    indicators = book["指标"]
    assert [c.value for c in indicators[1]] == ["指标", "权重", "方向"]
    assert indicators["C2"].value in ("越高越好", "越低越好")
    assert any(str(c.value).startswith("得分 = 100 ×") for c in cells(book))
    figures = book["数据"]
    assert figures.freeze_panes == "B2"
    names = [row[0].value for row in figures.iter_rows(min_row=2)]
    expected = {"排查矛盾纠纷数", "调解成功率", "法治讲座参加人次", "来源为“信访”的纠纷数"}
    assert expected <= set(names)
    shown = [c.value for c in cells(book) if isinstance(c.value, str)]
    assert not [text for text in shown if CODE.search(text)], "a code in the workbook"


def test_a_township_named_as_a_formula_is_written_as_text(app, site):
    code = unique("evil")
    name = '=HYPERLINK("http://example.com","点此")'
    tenancy = site.services.tenancy
    tenancy.add_township(OPERATOR, county=site.other_county, code=code, name=name)
    officer = app.test_client()
    assert sign_in(officer, site.users["far_officer"]).status_code == 302
    book = load_workbook(io.BytesIO(officer.get("/county/ranking.xlsx?period=2024").data))
    written = [c for c in cells(book) if c.value == name]
    assert len(written) == 2  # the ranking, the figures' column
    assert all(c.data_type == "s" for c in written)
    assert not [c for c in cells(book) if c.data_type == "f"]


def test_the_english_pages_template_is_english_and_imports_as_well(new_town, site):
    code, clerk = new_town
    clerk.get("/language/en")
    book = template_of(clerk)
    assert book.sheetnames[0] == "Record"
    header = header_of(book["Record"])
    assert "Source" in header and not [h for h in header if re.search(r"[\u4e00-\u9fff]", h)]
    answer = upload(clerk, clerk.get("/township/import/template.xlsx").data)
    assert answer.status_code == 200 and "4 recorded, 0 already" in answer.text, answer.text
    entry = site.services.history.entry(OPERATOR, township=code, entry_id="示例-纠纷-1")
    assert entry["events"][0]["fields"]["source"] == "petition"


@pytest.mark.parametrize(
    ("lang", "period", "said"),
    [
        ("zh", "2024", "2024年"),
        ("zh", "2024-Q1", "2024年第一季度"),
        ("zh", "2024-03", "2024年3月"),
        ("en", "2024-Q4", "Q4 2024"),
    ],
)
def test_periods_and_times_are_said_as_people_say_them(app, lang, period, said):
    with app.test_request_context():
        session["lang"] = lang
        assert period_label(period) == said
        moment = local_time("2026-12-06T14:33:34.513896Z")  # Asia/Shanghai: 22:33
        assert moment == ("2026年12月6日 22:33" if lang == "zh" else "6 December 2026 22:33")
