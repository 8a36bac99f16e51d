"""A publication's trusted timestamp through the API: the token as the timestamp authority
answered it (``application/timestamp-reply``), which OpenSSL verifies against the test CA;
404 while none has come, with the same body as for a publication the caller may not see."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.tsa import AUTHORITY_WORDS, TestAuthority, tsa, tsa_folder  # noqa: F401 (fixtures)
from tests.web.api.conftest import FAST_HASHER, error_of
from tests.web.api.test_api_audit import a_year

API = "/api/v1"


@pytest.fixture
def store_url(tmp_path) -> str:
    """SQLite of the test's own: the stamping job reads the whole log."""
    return f"sqlite:///{tmp_path}/ledger.sqlite3"


@pytest.fixture
def ledger(store_url: str, tsa: TestAuthority) -> Iterator[Services]:  # noqa: F811
    settings = Settings(
        two_factor="optional", database_url=store_url, tsa_url=tsa.url, tsa_certs=str(tsa.ca)
    )
    opened = open_ledger(settings, shared_attempts=True)
    opened.tenancy.hasher = FAST_HASHER
    try:
        yield opened
    finally:
        opened.close()


def test_the_token_is_given_once_it_came_and_openssl_verifies_it(
    site,
    other_site,
    ledger: Services,
    tsa: TestAuthority,  # noqa: F811
    tmp_path: Path,
) -> None:
    a_year(site, ledger)
    officer, auditor = site.caller("county_officer"), site.caller("auditor")
    receipt = officer.post(f"{API}/counties/{site.county}/publications", json={"period": "2024"})
    publication = receipt.get_json()["id"]
    path = f"{API}/publications/{publication}/timestamp"

    listed = auditor.get(f"{API}/counties/{site.county}/publications").get_json()
    assert listed["publications"][0]["timestamp"] is None
    assert listed["publications"][0]["waits_for_timestamp"] is True
    waiting = auditor.get(path)
    assert waiting.status_code == 404
    assert error_of(waiting)["message"] == f"no trusted timestamp of publication {publication}"

    ledger.stamper().step()
    answer = auditor.get(path)
    assert answer.status_code == 200
    assert answer.mimetype == "application/timestamp-reply"
    (tmp_path / "reply.tsr").write_bytes(answer.data)
    (tmp_path / "publication.json").write_bytes(
        auditor.get(f"{API}/publications/{publication}").data
    )
    verified = subprocess.run(
        ["openssl", "ts", "-verify", "-data", str(tmp_path / "publication.json"),
         "-in", str(tmp_path / "reply.tsr"), "-CAfile", str(tsa.ca)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "Verification: OK" in verified.stdout, verified.stderr
    listed = officer.get(f"{API}/counties/{site.county}/publications").get_json()
    (entry,) = listed["publications"]
    assert entry["timestamp"]["authority"] == AUTHORITY_WORDS
    assert entry["waits_for_timestamp"] is False

    # Another county's auditor, and the township's clerk (the county's ranking is not
    # theirs): the same 404 as for a publication without a token.
    for stranger in (other_site.caller("auditor"), site.caller("clerk")):
        refused = stranger.get(path)
        assert (refused.status_code, refused.get_json()) == (404, waiting.get_json())
