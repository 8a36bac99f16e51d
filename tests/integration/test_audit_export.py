"""The audit export, checked by tools/verify_export.py run as the system's own Python with no
project import: a faithful export passes; each way of tampering is named by its line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from domain.chain import chain_uuid
from domain.entry import entry_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.audit_export import write
from tests.integration.conftest import Towns
from tests.integration.tampering import RawStore, two_disputes
from tests.support import OPERATOR

VERIFIER = Path(__file__).resolve().parents[2] / "tools" / "verify_export.py"
SYSTEM_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable


def verify_export(path: Path, *args: str) -> subprocess.CompletedProcess:
    """The standalone verifier, isolated (-I: no user site, no PYTHONPATH), from elsewhere."""
    return subprocess.run(
        [SYSTEM_PYTHON, "-I", str(VERIFIER), str(path), *args],
        capture_output=True,
        text=True,
        cwd=path.parent,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )


def record_some(towns: Towns) -> tuple[str, str]:
    county, (town,) = towns.townships(1)
    towns.import_lines(
        [
            *two_disputes(town),
        ]
    )
    towns.record(town, "dispute_registered", "D-3", "2024-05-01", source="other", category="劳动")
    towns.ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    towns.record(town, "entry_retracted", "D-2", "2024-05-02", reason="重复登记")
    return county, town


def export(ledger: Services, townships: list[str], path: Path) -> str:
    with path.open("wb") as out:
        _, digest = write(ledger.audit_export.lines(townships), out)
    return digest


def records(path: Path) -> list[dict]:
    return [json.loads(raw) for raw in path.read_bytes().splitlines()]


def rewrite(path: Path, items: list[dict]) -> None:
    path.write_bytes(b"".join(json.dumps(i, ensure_ascii=False).encode() + b"\n" for i in items))


def rehash(item: dict) -> None:
    """What a forger does: the event record's hash made to match its changed content."""
    body = json.dumps(item["event"], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    item["sha256"] = hashlib.sha256(body.encode()).hexdigest()


def event_index(items: list[dict], entry_id: str, version: int) -> int:
    for n, item in enumerate(items):
        if item["record"] == "event" and (item["event"]["entry_id"], item["event"]["version"]) == (
            entry_id,
            version,
        ):
            return n
    raise LookupError(entry_id)


@pytest.fixture
def exported(ledger: Services, towns: Towns, tmp_path: Path) -> tuple[Path, str, str]:
    _, town = record_some(towns)
    path = tmp_path / "export.jsonl"
    return path, town, export(ledger, [town], path)


def test_a_faithful_export_verifies_and_matches_its_receipt(exported) -> None:
    path, _, receipt = exported
    result = verify_export(path, "--receipt", receipt)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "verified: 5 event(s), 3 link(s), 1 anchor(s)"
    kinds = [item["record"] for item in records(path)]
    assert (kinds[0], kinds[-1]) == ("export", "end")


def test_a_changed_field_is_named(exported) -> None:
    path, town, _ = exported
    items = records(path)
    n = event_index(items, "D-1", 1)
    items[n]["event"]["fields"]["category"] = "婚姻"
    rewrite(path, items)
    result = verify_export(path)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"verify_export: line {n + 1}: township {town}, entry D-1, version 1:"
        " the event's content does not match its sha256"
    )


def test_a_changed_field_with_its_hash_recomputed_is_named(exported) -> None:
    path, town, _ = exported
    items = records(path)
    n = event_index(items, "D-3", 1)
    items[n]["event"]["actor"] = "someone"
    rehash(items[n])
    rewrite(path, items)
    result = verify_export(path)
    assert result.returncode == 1
    assert f"line {n + 1}: township {town}, entry D-3, version 1: differs from what link 2" in (
        result.stderr
    )


def test_a_deleted_line_is_named(exported) -> None:
    path, town, _ = exported
    items = records(path)
    del items[event_index(items, "D-1", 2)]
    items[-1]["records"] -= 1
    rewrite(path, items)
    result = verify_export(path)
    assert result.returncode == 1
    assert f"township {town}, entry D-1, version 2: covered by link 1 but missing" in result.stderr


def test_swapped_payloads_are_named(exported) -> None:
    path, town, _ = exported
    items = records(path)
    one, two = event_index(items, "D-1", 1), event_index(items, "D-2", 1)
    items[one]["event"], items[two]["event"] = items[two]["event"], items[one]["event"]
    rewrite(path, items)
    result = verify_export(path)
    assert result.returncode == 1
    assert f"line {min(one, two) + 1}: township {town}, entry D-" in result.stderr


def test_an_inserted_line_is_named(exported) -> None:
    path, town, _ = exported
    items = records(path)
    extra = json.loads(json.dumps(items[event_index(items, "D-3", 1)]))
    extra["event"]["version"] = 2
    extra["event"]["type"] = "entry_retracted"
    rehash(extra)
    items.insert(len(items) - 1, extra)
    items[-1]["records"] += 1
    rewrite(path, items)
    result = verify_export(path)
    assert result.returncode == 1
    assert f"line {len(items) - 1}: township {town}, entry D-3, version 2: covered by no link" in (
        result.stderr
    )


def test_a_cut_file_is_named(exported) -> None:
    path, _, receipt = exported
    items = records(path)
    rewrite(path, items[:-3])
    result = verify_export(path)
    assert result.returncode == 1
    assert "the export ends early" in result.stderr
    # Even with a closing record made up, the receipt held outside tells.
    rewrite(path, [*items[:-3], {"record": "end", "records": len(items) - 2}])
    assert verify_export(path).returncode == 0
    told = verify_export(path, "--receipt", receipt)
    assert told.returncode == 1 and "not the receipt's" in told.stderr


def test_a_history_truncated_in_the_database_is_named_by_the_anchor(
    own_sql_database_url: str, tmp_path: Path
) -> None:
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        _, town = record_some(Towns(ledger))
        raw.delete(entry_uuid(town, "D-2"), 2)  # the retraction, after the publication: link 3
        raw.delete(chain_uuid(town), 3)
        raw.delete(entry_uuid(town, "D-3"), 1)  # before the publication: link 2, anchored
        raw.delete(chain_uuid(town), 2)
        path = tmp_path / "export.jsonl"
        export(ledger, [town], path)
        result = verify_export(path)
        assert result.returncode == 1
        assert f"township {town}: publication " in result.stderr
        assert "anchored link 2, which is not on the chain" in result.stderr
    finally:
        raw.close()
        ledger.close()
