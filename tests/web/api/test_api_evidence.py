"""Evidence through the API on SQLite and PostgreSQL, with the evidence store in a directory
as the product opens it: a file attached comes back byte for byte; one byte changed in the
store makes verify name the entry and the file; another township's clerk gets 404; an
executable renamed .pdf, a 21 MB file and a truncated JPEG are refused, nothing stored."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from tests import evidence_samples as samples
from tests.support import OPERATOR
from tests.web.api.conftest import error_of


def evidence_path(site, entry_id: str) -> str:
    return f"/api/v1/townships/{site.township}/entries/{entry_id}/evidence"


def upload(caller, path: str, data: bytes, name: str):
    return caller.post(path, data={"file": (io.BytesIO(data), name)})


def stored_files(ledger) -> list[Path]:
    return [p for p in Path(ledger.evidence.store.directory).rglob("*") if p.is_file()]


@pytest.fixture
def inspection(site, ledger):
    ledger.interchange.record_line(
        OPERATOR, site.line("inspection_conducted", "IN-1", area="食品安全")
    )
    return evidence_path(site, "IN-1")


def test_a_file_attached_comes_back_byte_for_byte(site, ledger, inspection):
    clerk = site.caller("clerk")
    data = samples.photo()
    answer = upload(clerk, inspection, data, "整改后现场.jpg")
    assert answer.status_code == 201, answer.get_json()
    digest = hashlib.sha256(data).hexdigest()
    assert answer.get_json() == {
        "sha256": digest,
        "size": len(data),
        "media_type": "image/jpeg",
        "name": "整改后现场.jpg",
    }
    again = upload(site.caller("head"), inspection, data, "again.jpg")
    assert (again.status_code, again.get_json()["name"]) == (200, "整改后现场.jpg")
    listed = clerk.get(inspection).get_json()["evidence"]
    assert [(e["sha256"], e["attached_by"], e["retracted"]) for e in listed] == [
        (digest, clerk.username, False)
    ]
    for reader in (clerk, site.caller("auditor"), site.caller("county_officer")):
        given = reader.get(f"/api/v1/evidence/{digest}")
        assert given.status_code == 200
        assert given.data == data
        assert given.headers["Content-Type"] == "image/jpeg"
        assert given.headers["X-Content-Type-Options"] == "nosniff"
        assert given.headers["Content-Security-Policy"] == "sandbox"
    history = site.caller("auditor").get(f"/api/v1/townships/{site.township}/entries/IN-1")
    assert [e["type"] for e in history.get_json()["history"]] == [
        "inspection_conducted",
        "evidence_attached",
    ]
    assert history.get_json()["evidence"][0]["sha256"] == digest


def test_a_pdf_opens_in_the_browser_in_a_sandbox_and_a_workbook_is_downloaded(site, inspection):
    clerk = site.caller("clerk")
    for data, name, disposition, media_type in (
        (samples.pdf(), "纪要.pdf", "inline", "application/pdf"),
        (samples.workbook(), "签到表.xlsx", "attachment", samples_xlsx()),
    ):
        digest = upload(clerk, inspection, data, name).get_json()["sha256"]
        given = clerk.get(f"/api/v1/evidence/{digest}")
        assert given.headers["Content-Type"] == media_type
        assert given.headers["Content-Disposition"].startswith(disposition)
        assert "filename*=UTF-8''" in given.headers["Content-Disposition"]
        assert given.headers["Content-Security-Policy"] == "sandbox"


def samples_xlsx() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_one_byte_changed_in_the_store_makes_verify_name_the_entry_and_the_file(
    site, ledger, inspection
):
    clerk, auditor = site.caller("clerk"), site.caller("auditor")
    digest = upload(clerk, inspection, samples.pdf(), "纪要.pdf").get_json()["sha256"]
    verified = auditor.post("/api/v1/verifications", json={"township": site.township})
    assert verified.get_json()["ok"] is True, verified.get_json()
    path = ledger.evidence.store.path(digest)
    altered = bytearray(path.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(altered))
    verified = auditor.post("/api/v1/verifications", json={"township": site.township})
    body = verified.get_json()
    assert (body["ok"], body["findings"], body["files"]) == (False, 1, 1)
    finding = body["first"]
    assert finding["kind"] == "evidence_altered"
    assert (finding["township"], finding["entry_id"]) == (site.township, "IN-1")
    assert "纪要.pdf" in finding["what"] and digest in finding["what"]
    path.unlink()
    verified = auditor.post("/api/v1/verifications", json={"township": site.township})
    assert verified.get_json()["first"]["kind"] == "evidence_missing"


def test_another_townships_clerk_gets_404_as_for_a_file_that_does_not_exist(
    site, other_site, ledger, inspection
):
    digest = upload(site.caller("clerk"), inspection, samples.pdf(), "x.pdf").get_json()["sha256"]
    never = hashlib.sha256(b"never attached").hexdigest()
    for role in ("clerk", "auditor", "county_officer"):
        stranger = other_site.caller(role)
        theirs = stranger.get(f"/api/v1/evidence/{digest}")
        missing = stranger.get(f"/api/v1/evidence/{never}")
        assert theirs.status_code == missing.status_code == 404
        assert error_of(theirs) == {
            **error_of(missing),
            "message": error_of(missing)["message"].replace(never, digest),
        }
        for answer in (stranger.get(inspection), upload(stranger, inspection, samples.png(), "a")):
            assert answer.status_code == 404, (role, answer.get_json())
    assert len(stored_files(ledger)) == 1  # the stranger's PNG was never stored


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.executable(), "会议纪要.pdf", "is not a PDF, JPEG, PNG"),
        (samples.larger_than(21 * 2**20 - 1000), "big.pdf", "is larger than 20 MiB"),
        (samples.truncated_jpeg(), "photo.jpg", "cannot be read whole"),
    ],
    ids=["exe-renamed-pdf", "21mb", "truncated-jpeg"],
)
def test_refused_files_are_named_in_the_field_file_and_nothing_is_stored(
    site, ledger, inspection, data, name, message
):
    answer = upload(site.caller("clerk"), inspection, data, name)
    assert answer.status_code == 422
    error = error_of(answer)
    assert error["field"] == "file" and message in error["message"], error
    assert stored_files(ledger) == []
    assert site.caller("clerk").get(inspection).get_json() == {"evidence": []}


def test_no_file_sent_is_refused_naming_the_field(site, inspection):
    answer = site.caller("clerk").post(inspection, data={"other": "x"})
    assert (answer.status_code, error_of(answer)["field"]) == (422, "file")


def test_the_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    upload_path = paths["/api/v1/townships/{code}/entries/{entry_id}/evidence"]
    assert "multipart/form-data" in upload_path["post"]["requestBody"]["content"]
    assert set(upload_path["post"]["responses"]) >= {"200", "201"}
    assert "get" in upload_path
    assert "application/octet-stream" in str(paths["/api/v1/evidence/{sha256}"]["get"])
