"""``POST /api/v1/imports`` with the pages' Excel workbook, on SQLite and PostgreSQL: every row
or none, a bad row named by the sheet's row number and its field, nothing recorded then."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from tests.web.api.conftest import error_of
from tests.xlsx_parts import malformed, row_bomb, strings_bomb
from web.workbooks import XLSX, columns, template

IMPORTS = "/api/v1/imports"


def workbook(*rows: dict | None) -> bytes:
    """A workbook as a township fills in the template: the column names, then a row each
    (None: a blank row)."""
    book = Workbook()
    sheet = book.active
    names = columns()
    sheet.append(names)
    for row in rows:
        sheet.append([(row or {}).get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = (
    {
        "type": "dispute_registered",
        "id": "D-1",
        "occurred_on": "2024-03-05",
        "source": "screening",
        "category": "土地",
    },
    {
        "type": "dispute_mediated",
        "id": "D-1",
        "occurred_on": "2024-03-19",
        "outcome": "resolved",
        "mediator": "legal_advisor",
    },
    {"type": "liaison_registered", "id": "L-1", "occurred_on": "2024-04-01"},
)


def post(caller, data: bytes, **query):
    return caller.post(IMPORTS, data=data, content_type=XLSX, query_string=query)


def recorded(caller, township: str) -> int:
    return caller.get(f"/api/v1/townships/{township}/entries").get_json()["total"]


def test_a_workbook_is_recorded_once(site):
    clerk = site.caller("clerk")
    first = post(clerk, workbook(*GOOD))
    assert first.status_code == 201, first.get_json()
    assert first.get_json() == {"recorded": 3, "skipped": 0}
    again = post(clerk, workbook(*GOOD))
    assert again.get_json() == {"recorded": 0, "skipped": 3}
    history = clerk.get(f"/api/v1/townships/{site.township}/entries/D-1").get_json()
    assert [e["type"] for e in history["history"]] == ["dispute_registered", "dispute_mediated"]
    assert history["history"][1]["fields"] == {"outcome": "resolved", "mediator": "legal_advisor"}


def test_the_template_of_the_pages_imports_as_it_comes(site, app):
    """The template's example rows, uploaded untouched, are recorded (their ids are no
    township's own); its Chinese headers and labels read as the codes they stand for."""
    with app.test_request_context():
        data = template()
    clerk = site.caller("clerk")
    answer = post(clerk, data)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"recorded": 4, "skipped": 0}
    history = clerk.get(f"/api/v1/townships/{site.township}/entries/示例-纠纷-1").get_json()
    assert history["history"][0]["fields"] == {"source": "petition", "category": "邻里纠纷"}


def test_labels_are_read_as_their_codes_and_a_wrong_one_is_named(site):
    clerk = site.caller("clerk")
    book = Workbook()
    book.active.append(["类型", "编号", "发生日期", "来源", "类别"])
    book.active.append(["排查矛盾纠纷", "D-9", date(2024, 3, 5), "信访", "土地"])
    book.active.append(["排查矛盾纠纷", "D-10", date(2024, 3, 5), "谣言", "土地"])
    out = io.BytesIO()
    book.save(out)
    answer = post(clerk, out.getvalue())
    assert answer.status_code == 422
    error = error_of(answer)
    assert (error["line"], error["field"]) == (3, "source")
    assert "petition" in error["message"] and "'谣言'" in error["message"]
    book.active.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    assert post(clerk, out.getvalue()).status_code == 201


@pytest.mark.parametrize("name", sorted(malformed()))
def test_a_damaged_workbook_is_refused_with_the_error_document(site, name):
    clerk = site.caller("clerk")
    answer = post(clerk, malformed()[name])
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["code"] == "invalid" and error["field"] == "file"
    assert set(answer.get_json()["error"]) >= {"code", "message", "field", "line"}
    assert recorded(clerk, site.township) == 0


def test_bombs_are_refused_naming_the_sheet_and_row(site):
    clerk = site.caller("clerk")
    rows = error_of(post(clerk, row_bomb()))
    assert (rows["field"], rows["line"]) == ("file", 30_000_000)
    assert rows["message"].startswith("sheet 登记, row 30000000: past the last row")
    strings = error_of(post(clerk, strings_bomb()))
    assert strings["message"] == "unpacks to more than 16 MiB: split the workbook"


def test_one_bad_row_is_named_and_nothing_is_recorded(site):
    clerk = site.caller("clerk")
    bad = {**GOOD[1], "outcome": "maybe"}
    answer = post(clerk, workbook(GOOD[0], None, bad, GOOD[2]))
    assert answer.status_code == 422
    error = error_of(answer)
    # Row 1 holds the column names, row 3 is blank: the mediation is row 4 of the sheet.
    assert (error["code"], error["line"], error["field"]) == ("rejected", 4, "outcome")
    assert error["message"].startswith("row 4: ")
    assert [(e["line"], e["field"]) for e in error["errors"]] == [(4, "outcome")]
    assert recorded(clerk, site.township) == 0


def test_what_is_not_a_workbook_is_refused(site):
    clerk = site.caller("clerk")
    answer = post(clerk, b"PK\x03\x04 not really a workbook")
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "file"
    assert recorded(clerk, site.township) == 0


def test_the_workbook_counts_for_the_callers_township_only(site, other_site):
    head = site.caller("head")
    theirs = post(head, workbook(*GOOD), township=other_site.township)
    never = post(head, workbook(*GOOD), township="never-made")
    # As with interchange lines: each row naming it is refused as naming no township.
    assert theirs.status_code == never.status_code == 422
    mine, missing = error_of(theirs), error_of(never)
    assert (mine["line"], mine["field"]) == (missing["line"], missing["field"]) == (2, "township")
    assert mine["message"].replace(other_site.township, "never-made") == missing["message"]
    officer = site.caller("county_officer")
    refused = post(officer, workbook(*GOOD), township=site.township)
    assert refused.status_code == 422  # every row refused, the first named
    assert (error_of(refused)["line"], error_of(refused)["field"]) == (2, "type")
    assert recorded(officer, site.township) == 0
    assert recorded(other_site.caller("clerk"), other_site.township) == 0


def test_the_workbook_is_read_as_the_pages_read_it(site):
    """Lists separated as people type them, numbers as Excel keeps them (1.0), dates as
    dates: the same reading as the import page."""
    book = load_workbook(io.BytesIO(workbook()))
    sheet = book.active
    names = columns()
    row = {
        "type": "session_held",
        "id": "S-1",
        "occurred_on": "2024-05-06",
        "kind": "lecture",
        "title": "宪法宣传",
        "attendees": 40.0,
        "laws": "宪法、民法典",
    }
    sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    clerk = site.caller("clerk")
    assert post(clerk, out.getvalue()).status_code == 201
    entry = clerk.get(f"/api/v1/townships/{site.township}/entries/S-1").get_json()
    fields = entry["history"][0]["fields"]
    assert (fields["attendees"], fields["laws"]) == (40, ["宪法", "民法典"])
