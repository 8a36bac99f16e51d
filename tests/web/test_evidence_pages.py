"""Evidence on the pages: an entry's page lists its files (a thumbnail for a photo, a PDF
opened in the browser, others downloaded) and takes several at once, from a phone's camera
too; a refused file is named beside the file field and nothing is stored; the auditor's
history shows and downloads them; nobody else is given them."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from tests import evidence_samples as samples
from tests.support import OPERATOR, unique
from tests.web.conftest import field_error


@pytest.fixture
def inspection(site) -> str:
    entry = unique("IN")
    line = {"township": site.township, "type": "inspection_conducted", "id": entry,
            "occurred_on": "2024-04-01", "area": "食品安全"}  # fmt: skip
    site.services.interchange.record_line(OPERATOR, line)
    return entry


def upload(client, entry: str, *files: tuple[bytes, str]):
    return client.post(
        "/township/evidence",
        data={"id": entry, "file": [(io.BytesIO(data), name) for data, name in files]},
        content_type="multipart/form-data",
    )


def test_the_entry_page_offers_several_files_at_once_and_the_camera(as_role, inspection):
    page = as_role("clerk").get(f"/township/entries/{inspection}").text
    form = re.search(r'<form[^>]*id="evidence-form".*?</form>', page, re.S).group(0)
    assert 'enctype="multipart/form-data"' in form
    chooser = re.search(r'<input id="f-file"[^>]*>', form).group(0)
    assert " multiple" in chooser and "application/pdf" in chooser and ".docx" in chooser
    camera = re.search(r'<input id="f-camera"[^>]*>', form).group(0)
    assert 'capture="environment"' in camera and 'accept="image/jpeg,image/png"' in camera
    assert "还没有佐证材料" in page


def test_a_photo_and_a_pdf_attached_together_are_listed_and_served(as_role, site, inspection):
    clerk = as_role("clerk")
    photo, pdf = samples.photo(colour="navy"), samples.pdf(inspection)
    answer = upload(clerk, inspection, (photo, "现场照片.jpg"), (pdf, "检查记录.pdf"))
    assert answer.status_code == 302
    assert answer.location.endswith(f"/township/entries/{inspection}?attached=2#evidence")
    page = clerk.get(answer.location).text
    photo_sha, pdf_sha = (hashlib.sha256(d).hexdigest() for d in (photo, pdf))
    assert "已添加 2 份佐证材料" in page
    assert f'<img src="/evidence/{photo_sha}/thumbnail" alt="现场照片.jpg"' in page
    assert f'<a href="/evidence/{pdf_sha}" target="_blank" rel="noopener">检查记录.pdf</a>' in page
    assert "PDF文件" in page and "JPEG图片" in page and "添加佐证材料" in page
    opened = clerk.get(f"/evidence/{pdf_sha}")
    assert opened.data == pdf
    assert opened.headers["Content-Type"] == "application/pdf"
    assert opened.headers["Content-Security-Policy"] == "sandbox"
    assert opened.headers["X-Content-Type-Options"] == "nosniff"
    assert opened.headers["Content-Disposition"].startswith("inline")
    thumbnail = clerk.get(f"/evidence/{photo_sha}/thumbnail")
    assert thumbnail.headers["Content-Type"] == "image/jpeg" and thumbnail.data != photo
    auditor_page = as_role("auditor").get(f"/audit/entries/{site.township}/{inspection}").text
    assert f'<img src="/evidence/{photo_sha}/thumbnail"' in auditor_page
    assert f'href="/evidence/{pdf_sha}" download="检查记录.pdf"' in auditor_page
    assert as_role("auditor").get(f"/evidence/{pdf_sha}").data == pdf
    assert as_role("county_officer").get(f"/evidence/{photo_sha}").data == photo
    assert as_role("neighbour_clerk").get(f"/evidence/{photo_sha}").status_code == 404
    assert as_role("far_auditor").get(f"/evidence/{photo_sha}").status_code == 404


def test_a_refused_file_is_named_beside_the_field_and_nothing_is_stored(as_role, site, inspection):
    clerk = as_role("clerk")
    good = samples.photo(colour="orange")
    answer = upload(clerk, inspection, (good, "a.jpg"), (samples.executable(), "会议纪要.pdf"))
    assert answer.status_code == 400
    assert field_error(answer.text) == ["file"]
    assert "会议纪要.pdf 不是PDF、JPEG、PNG" in answer.text
    store = site.services.evidence.store
    assert not store.exists(hashlib.sha256(good).hexdigest())  # all or none
    assert "还没有佐证材料" in clerk.get(f"/township/entries/{inspection}").text
    truncated = upload(clerk, inspection, (samples.truncated_jpeg(), "cut.jpg"))
    assert "cut.jpg 是无法完整读取的JPEG文件" in truncated.text
    nothing = upload(clerk, inspection)
    assert (nothing.status_code, field_error(nothing.text)) == (400, ["file"])


def test_a_file_retracted_with_a_reason_stays_listed_and_readable(as_role, site, inspection):
    clerk = as_role("clerk")
    data = samples.pdf(f"retract {inspection}")
    digest = hashlib.sha256(data).hexdigest()
    upload(clerk, inspection, (data, "错传.pdf"))
    refused = clerk.post(
        "/township/evidence/retract", data={"id": inspection, "sha256": digest, "reason": " "}
    )
    assert refused.status_code == 400
    assert re.findall(r'class="field-error" id="(r-\d+)-error"', refused.text) == ["r-1"]
    assert 'id="reason-error"' not in refused.text  # the entry's own retraction is untouched
    done = clerk.post(
        "/township/evidence/retract",
        data={"id": inspection, "sha256": digest, "reason": "传错了文件"},
    )
    assert done.status_code == 302
    page = clerk.get(f"/township/entries/{inspection}").text
    assert "已撤回</span> 传错了文件" in page and "撤回这份材料" not in page
    assert as_role("auditor").get(f"/evidence/{digest}").data == data


def test_the_auditor_may_not_attach(as_role, inspection):
    answer = upload(as_role("auditor"), inspection, (samples.pdf(), "x.pdf"))
    assert answer.status_code == 403


def test_a_file_over_the_limit_is_named_beside_the_field_not_refused_as_a_request(
    as_role, inspection
):
    answer = upload(as_role("clerk"), inspection, (samples.larger_than(21 * 2**20), "大.pdf"))
    assert answer.status_code == 400  # the page's form, not a bare 413
    assert field_error(answer.text) == ["file"]
    assert "大.pdf 超过 20 MiB" in answer.text


def test_the_trail_says_in_chinese_which_entrys_evidence_was_looked_at(app):
    from web.audit_labels import look_label

    with app.test_request_context("/"):
        said = look_label(f"evidence {'a' * 64} of entry IN-2024-0001")
    assert said == "查看记录 IN-2024-0001 的佐证材料"


def test_a_zip_of_the_workbook_and_its_files_imports_on_the_import_page(as_role, site):
    clerk, entry = as_role("clerk"), unique("IN")
    book = Workbook()
    book.active.append(["类型", "编号", "发生日期", "检查领域", "佐证材料"])
    book.active.append(["执法检查", entry, "2024-04-01", "食品安全", "检查记录.pdf"])
    sheet = io.BytesIO()
    book.save(sheet)

    def zipped(pdf: bytes) -> io.BytesIO:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as package:
            package.writestr("台账.xlsx", sheet.getvalue())
            package.writestr("检查记录.pdf", pdf)
        out.seek(0)
        return out

    def send(pdf: bytes):
        return clerk.post(
            "/township/import",
            data={"file": (zipped(pdf), "台账与材料.zip")},
            content_type="multipart/form-data",
        )

    refused = send(samples.executable())
    assert "第 2 行 · 佐证材料：检查记录.pdf 不是PDF" in refused.text
    assert "未登记任何内容" in refused.text
    done = send(samples.pdf(entry))
    assert "已登记 1 条" in done.text and "添加佐证材料 1 份" in done.text, done.text
    page = clerk.get(f"/township/entries/{entry}").text
    assert "检查记录.pdf" in page
