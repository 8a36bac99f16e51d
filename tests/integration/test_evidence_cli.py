# ruff: noqa: F811 - the fixtures of test_cli, imported by name, are the parameters
"""Evidence on the command line, on SQLite with the store beside the database: verify names
an altered or missing file with its entry; trace says how many entries carry evidence;
audit-export --with-evidence writes a ZIP that tools/verify_export.py and sha256sum check."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from infra.settings import Settings
from infra.wiring import open_ledger
from tests import evidence_samples as samples
from tests.integration.test_audit_export import verify_export
from tests.integration.test_cli import cli, database  # noqa: F401 - the same fixtures
from tests.support import OPERATOR, unique


@pytest.fixture
def attached(cli, database) -> tuple[str, str, dict[str, str]]:
    """A township with two disputes, D-1 carrying a photo and a PDF: (county, township,
    SHA-256 by file name)."""
    county, code = unique("county"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, code, "巩留镇").exit_code == 0
    for entry_id in ("D-1", "D-2"):
        line = (
            f'{{"township": "{code}", "type": "dispute_registered", "id": "{entry_id}",'
            ' "occurred_on": "2024-03-01", "source": "screening", "category": "邻里"}'
        )
        assert cli("record", line).exit_code == 0
    ledger = open_ledger(Settings(database_url=database))
    digests = {}
    try:
        for name, data in (("现场.jpg", samples.photo()), ("调解协议.pdf", samples.pdf())):
            done = ledger.evidence.attach(
                OPERATOR, township=code, entry_id="D-1", name=name, content=io.BytesIO(data)
            )
            digests[name] = done.sha256
    finally:
        ledger.close()
    return county, code, digests


def store_path(database: str, digest: str) -> Path:
    return Path(database.removeprefix("sqlite:///")).parent / "evidence" / digest[:2] / digest


def test_verify_checks_every_file_and_names_an_altered_one_with_its_entry(cli, database, attached):
    _, code, digests = attached
    result = cli("verify", "--township", code)
    assert result.exit_code == 0, result.output
    assert "2 evidence file(s)" in result.stdout
    path = store_path(database, digests["调解协议.pdf"])
    changed = bytearray(path.read_bytes())
    changed[100] ^= 0x20
    path.chmod(0o644)
    path.write_bytes(bytes(changed))
    result = cli("verify", "--township", code)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"verify: township {code}, entry D-1, version 3,")
    assert f"the file '调解协议.pdf' (sha256 {digests['调解协议.pdf']}) differs in" in result.stderr
    path.unlink()
    result = cli("verify", "--township", code)
    assert result.exit_code == 1
    assert "is missing from the evidence store" in result.stderr


def test_trace_says_how_many_of_a_figures_entries_carry_evidence(cli, attached):
    _, code, _ = attached
    result = cli("trace", "--township", code, "--period", "2024", "--figure",
                 "disputes.registered")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["D-1", "D-2"]
    assert result.stderr.strip() == "1 of 2 entries carry evidence"


def test_an_export_with_its_evidence_is_checked_by_the_standalone_verifier_and_sha256sum(
    cli, attached, tmp_path
):
    county, _, digests = attached
    path = tmp_path / "export.zip"
    result = cli("audit-export", "--county", county, "--with-evidence", "-o", str(path))
    assert result.exit_code == 0, result.output
    receipt = result.stdout.strip().rsplit(" ", 1)[-1]
    assert result.stdout.startswith(f"{path}: 10 records and 2 evidence file(s), sha256 ")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == receipt
    checked = verify_export(path, "--receipt", receipt)
    assert (checked.returncode, checked.stdout.strip()) == (
        0,
        "verified: 4 event(s), 4 link(s), 0 anchor(s), 2 evidence file(s)",
    ), checked.stderr
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(path) as packed:
        assert sorted(packed.namelist()) == sorted(
            ["export.jsonl", "evidence/SHA256SUMS", *(f"evidence/{d}" for d in digests.values())]
        )
        packed.extractall(unpacked)
    summed = subprocess.run(
        ["sha256sum", "--check", "--strict", "SHA256SUMS"],
        cwd=unpacked / "evidence",
        capture_output=True,
        text=True,
        check=False,
    )
    assert summed.returncode == 0, summed.stdout + summed.stderr
    assert summed.stdout.count(": OK") == 2


def test_a_file_changed_in_the_export_is_named_by_its_line(cli, attached, tmp_path):
    county, _, digests = attached
    path = tmp_path / "export.zip"
    assert (
        cli("audit-export", "--county", county, "--with-evidence", "-o", str(path)).exit_code == 0
    )
    spoilt = tmp_path / "spoilt.zip"
    pdf = f"evidence/{digests['调解协议.pdf']}"
    with zipfile.ZipFile(path) as packed, zipfile.ZipFile(spoilt, "w") as out:
        for name in packed.namelist():
            data = packed.read(name)
            out.writestr(name, data.replace(b"minutes", b"MINUTES") if name == pdf else data)
    lines = zipfile.ZipFile(path).read("export.jsonl").splitlines()
    number = next(n for n, raw in enumerate(lines, start=1) if b"\\u8c03" in raw or
                  "调解协议.pdf".encode() in raw)  # fmt: skip
    result = verify_export(spoilt)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"verify_export: line {number}: township {attached[1]}, entry D-1, version 3:"
        f" the file '调解协议.pdf' ({digests['调解协议.pdf']}) does not match its sha256"
    )
