"""What the fuzzes found, each kept as a test of its own: digits that str.isdigit() takes and
int() does not (a 500 on four forms and the entries' cursor), and the import page that read
a GBK file as UTF-8 with replacement characters (recording 乱码) and split lines at U+2028,
and a workbook whose row 1 named a column twice (the later one won) or not at all (its
values were dropped unsaid)."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from tests.fuzz.lines import good_line
from tests.fuzz.traffic import workbook


def user(world, role):
    return next(u for u in world.users if u.role == role)


@pytest.mark.parametrize("typed", ["²", "٣", "--5", "1²"])
def test_numbers_typed_in_other_digits_are_refused_by_name(world, typed):
    clerk, head, officer = (user(world, r) for r in ("clerk", "head", "county_officer"))
    before = world.position()
    asked = [
        clerk.page.post(
            "/township/record/meeting_held",
            data={"id": "M-²", "occurred_on": "2024-03-05", "matters_decided": typed},
        ),
        head.page.post("/township/report/submit", data={"year": typed}),
        officer.page.post(
            "/county/indicators",
            data={"use:rates.rectification": "1", "weight:rates.rectification": typed},
        ),
        clerk.page.get(f"/township/entries?cursor={typed}"),
        clerk.api.get(
            f"/api/v1/townships/{clerk.township}/entries?cursor={typed}",
            headers={"Authorization": f"Bearer {clerk.token}"},
        ),
    ]
    assert [a.status_code for a in asked] == [400, 400, 400, 400, 422]
    assert officer.page.get(f"/county/charts/trend/{clerk.township}.json?period={typed}")
    assert world.position() == before


def test_a_gbk_file_on_the_import_page_is_refused_and_records_nothing(world):
    clerk = user(world, "clerk")
    line = good_line(clerk.township, "dispute_registered", "D-GBK")
    data = json.dumps(line, ensure_ascii=False).encode("gbk")
    before = world.position()
    answer = clerk.upload(data)
    assert answer.status_code == 400
    assert "GBK" in answer.text
    assert world.position() == before


def test_a_line_separator_inside_a_text_stays_in_its_line(world):
    """The page split lines at U+2028 as str.splitlines() does: one line read as two lines
    of broken JSON. Read as the command line reads a file, the text is refused by name."""
    clerk = user(world, "clerk")
    line = {
        **good_line(clerk.township, "inspection_conducted", "IN-2028"),
        "area": "食品\u2028安全",
    }
    data = (json.dumps(line, ensure_ascii=False) + "\r\n").encode()
    before = world.position()
    answer = clerk.upload(data)
    assert answer.status_code == 400
    assert "第 1 行 · 检查领域：" in answer.text  # the field by its label
    assert "第 2 行" not in answer.text
    assert world.position() == before


def upload_workbook(clerk, rows):
    return clerk.upload(workbook(rows), "entries.xlsx")


def test_a_workbook_naming_a_column_twice_is_refused(world):
    """``id`` and ``id `` were the same column: the later one's values replaced the id."""
    clerk = user(world, "clerk")
    before = world.position()
    rows = [["type", "id", "occurred_on", "id "], ["liaison_registered", "L-1", "2024-03-05", "x"]]
    answer = upload_workbook(clerk, rows)
    assert answer.status_code == 400
    assert 'id="file-error"' in answer.text and "id" in answer.text
    assert world.position() == before


def test_a_value_under_a_column_without_a_name_is_refused_by_row(world):
    """It was dropped without a word; now the row and the column's letter are named."""
    clerk = user(world, "clerk")
    before = world.position()
    rows = [["type", "id", "occurred_on", None], ["liaison_registered", "L-2", "2024-03-05", "x"]]
    answer = upload_workbook(clerk, rows)
    assert answer.status_code == 400
    assert "第 2 行" in answer.text and "column D" in answer.text
    assert world.position() == before


@pytest.mark.parametrize("type_", [[], ["session_held"], {"a": 1}])
def test_a_type_that_is_no_text_is_refused_by_name(world, type_):
    """``"type": []`` was a 500 on POST /api/v1/entries (a list is no key of the schemas)."""
    clerk = user(world, "clerk")
    line = {**good_line(clerk.township, "session_held", "S-T"), "type": type_}
    before = world.position()
    answer = clerk.api.post(
        "/api/v1/entries", json=line, headers={"Authorization": f"Bearer {clerk.token}"}
    )
    assert answer.status_code in (400, 422), answer.get_json()
    assert answer.get_json()["error"]["field"] == "type"
    assert world.position() == before


def test_an_answer_without_a_year_on_a_quarters_page_is_refused_by_name(world):
    """With no year in the form, the reports page of ``?period=2024-Q1`` was read for the
    quarter, which has no report: a KeyError, a 500."""
    officer = user(world, "county_officer")
    town = next(t for t in world.townships.values() if t.county == officer.county)
    before = world.position()
    answer = officer.page.post(
        "/county/reports/answer?period=2024-Q1",
        data={"township": town.code, "submission": town.submission, "answer": "return"},
    )
    assert answer.status_code == 400  # a return needs its reason
    assert world.position() == before


def test_a_page_after_ones_own_write_does_not_wait_for_a_worker_where_none_runs(world):
    """Where queries project for themselves (no projection worker: the fuzz's app, the command
    line's), a page after the user's own write waited the whole read wait for a worker that
    never came (5 s a page: most of the isolation fuzz's time) before projecting it itself."""
    clerk = user(world, "clerk")
    extensions = world.app.extensions
    extensions["ledger.config"] = replace(extensions["ledger.config"], read_wait_seconds=60.0)
    recorded = clerk.page.post(
        "/township/record/meeting_held",
        data={"id": "M-OWN", "occurred_on": "2024-03-05", "matters_decided": "1"},
    )
    assert recorded.status_code in (200, 302, 303)
    began = time.monotonic()
    page = clerk.page.get("/township/entries")
    assert time.monotonic() - began < 30  # not the read wait: 60 s
    assert page.status_code == 200 and "M-OWN" in page.text
