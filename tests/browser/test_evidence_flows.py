"""Evidence in Chromium against a real server (its store a directory beside the database): a
clerk attaches a photo and a PDF from an entry's page and sees the photo's thumbnail; the
auditor opens the photo and downloads the PDF from the entry's history, byte for byte."""

from __future__ import annotations

import pytest

from tests import evidence_samples as samples
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser
ENTRY = "IN-2024-0001"  # an inspection of 巩留镇 in the demo


def test_a_clerk_attaches_a_photo_and_a_pdf_and_the_auditor_opens_them(visit, server, tmp_path):
    photo, pdf = tmp_path / "整改后现场.jpg", tmp_path / "检查记录.pdf"
    photo.write_bytes(samples.photo(size=(1600, 1200), colour="darkgreen"))
    pdf.write_bytes(samples.pdf("inspection record"))

    clerk = visit(width=390, height=844)  # a phone's screen
    log_in(clerk, server, "clerk")
    clerk.goto(f"{server}/township/entries/{ENTRY}")
    assert clerk.get_attribute("#f-camera", "capture") == "environment"
    clerk.set_input_files("#f-file", [str(photo), str(pdf)])
    with clerk.expect_navigation():
        clerk.click("#evidence-form button[type=submit]")
    assert "已添加 2 份佐证材料" in clerk.inner_text("#evidence")
    thumbnail = clerk.locator('#evidence img[alt="整改后现场.jpg"]')
    thumbnail.scroll_into_view_if_needed()
    assert thumbnail.is_visible()
    width = thumbnail.evaluate("image => image.complete && image.naturalWidth")
    assert 0 < width <= 320  # the thumbnail made on upload, not the 1600-pixel photo
    assert clerk.locator("#evidence a", has_text="检查记录.pdf").is_visible()
    screenshot(clerk, "township-evidence")
    clerk.locator("#evidence").screenshot(path=str(tmp_path / "evidence.png"))

    auditor = visit()
    log_in(auditor, server, "auditor")
    auditor.goto(f"{server}/audit/entries/gongliu/{ENTRY}")
    assert "添加佐证材料" in auditor.inner_text("main")
    with auditor.expect_popup() as opened:
        auditor.click('img[alt="整改后现场.jpg"]')
    shown = opened.value
    shown.wait_for_load_state()
    assert shown.evaluate("document.contentType") == "image/jpeg"
    with auditor.expect_download() as download:
        auditor.click('a[download="检查记录.pdf"]')
    assert download.value.path().read_bytes() == pdf.read_bytes()
    assert download.value.suggested_filename == "检查记录.pdf"
