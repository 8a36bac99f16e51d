"""``POST /api/v1/imports`` with a ZIP of the pages' workbook and the files its rows name in
the column 佐证材料, on SQLite and PostgreSQL: the entries and their files, or, when a file is
missing or cannot be evidence, nothing at all and the row named."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

from tests import evidence_samples as samples
from tests.web.api.conftest import error_of

IMPORTS = "/api/v1/imports"
ZIP = "application/zip"
HEADER = ["类型", "编号", "发生日期", "检查领域", "佐证材料"]


def workbook(*rows: list) -> bytes:
    book = Workbook()
    book.active.title = "登记"
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bundle(book: bytes, files: dict[str, bytes], book_name: str = "登记.xlsx") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(book_name, book)
        for name, data in files.items():
            package.writestr(name, data)
    return out.getvalue()


def post(caller, data: bytes, content_type: str = ZIP):
    return caller.post(IMPORTS, data=data, content_type=content_type)


def stored(ledger) -> list[Path]:
    return [p for p in Path(ledger.evidence.store.directory).rglob("*") if p.is_file()]


def entries(caller, township: str) -> int:
    return caller.get(f"/api/v1/townships/{township}/entries").get_json()["total"]


def test_a_zip_records_the_rows_and_attaches_the_files_they_name(site):
    clerk = site.caller("clerk")
    minutes, photo = samples.pdf("检查记录"), samples.photo()
    book = workbook(
        ["执法检查", "IN-1", "2024-04-01", "食品安全", "检查记录.pdf、照片/现场.jpg"],
        ["执法检查", "IN-2", "2024-04-02", "安全生产", None],
    )
    answer = post(clerk, bundle(book, {"检查记录.pdf": minutes, "照片/现场.jpg": photo}))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json() == {"recorded": 2, "skipped": 0, "files": 2}
    listed = clerk.get(f"/api/v1/townships/{site.township}/entries/IN-1/evidence").get_json()
    assert [(e["name"], e["sha256"]) for e in listed["evidence"]] == [
        ("检查记录.pdf", hashlib.sha256(minutes).hexdigest()),
        ("现场.jpg", hashlib.sha256(photo).hexdigest()),
    ]
    back = clerk.get(f"/api/v1/evidence/{hashlib.sha256(photo).hexdigest()}")
    assert back.data == photo
    again = post(clerk, bundle(book, {"检查记录.pdf": minutes, "照片/现场.jpg": photo}))
    assert again.get_json() == {"recorded": 0, "skipped": 2, "files": 0}


def test_a_missing_or_refused_file_names_its_row_and_nothing_is_recorded(site, ledger):
    clerk = site.caller("clerk")
    book = workbook(
        ["执法检查", "IN-1", "2024-04-01", "食品安全", "检查记录.pdf"],
        ["执法检查", "IN-2", "2024-04-02", "安全生产", "没有这个.pdf"],
    )
    answer = post(clerk, bundle(book, {"检查记录.pdf": samples.executable()}))
    assert answer.status_code == 422, answer.get_json()
    error = error_of(answer)
    assert (error["field"], error["line"]) == ("evidence", 2)  # the sheet's row 2
    assert "检查记录.pdf" in error["message"]
    assert entries(clerk, site.township) == 0
    assert stored(ledger) == []
    missing = post(clerk, bundle(book, {"检查记录.pdf": samples.pdf()}))
    assert (error_of(missing)["line"], error_of(missing)["field"]) == (3, "evidence")
    assert "没有这个.pdf" in error_of(missing)["message"]
    assert entries(clerk, site.township) == 0
    assert stored(ledger) == []


def test_a_workbook_naming_files_outside_a_zip_is_refused_naming_the_row(site):
    clerk = site.caller("clerk")
    book = workbook(["执法检查", "IN-1", "2024-04-01", "食品安全", "检查记录.pdf"])
    answer = post(clerk, book, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert answer.status_code == 422
    error = error_of(answer)
    assert (error["field"], error["line"]) == ("evidence", 2)
    assert "ZIP" in error["message"]
    assert entries(clerk, site.township) == 0


def test_a_zip_without_one_workbook_or_packed_as_a_bomb_is_refused(site, ledger):
    clerk = site.caller("clerk")
    none = bundle(b"", {}, book_name="notes.txt")
    assert "holds no workbook" in error_of(post(clerk, none))["message"]
    book = workbook(["执法检查", "IN-1", "2024-04-01", "食品安全", None])
    two = bundle(book, {"第二个.xlsx": book})
    assert "more than one workbook" in error_of(post(clerk, two))["message"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("登记.xlsx", book)
        for n in range(20):
            package.writestr(f"零/{n}.pdf", b"\0" * (20 * 2**20))  # 400 MiB unpacked
    bomb = error_of(post(clerk, out.getvalue()))
    assert (bomb["field"], bomb["message"]) == (
        "file", "the files in the ZIP unpack to more than 256 MiB together"
    )  # fmt: skip
    assert error_of(post(clerk, b"PK\x03\x04 not a zip"))["message"] == "is not a ZIP file"
    assert entries(clerk, site.township) == 0
    assert stored(ledger) == []
