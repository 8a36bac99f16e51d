# ruff: noqa: F811 - the fixtures of test_cli, imported by name, are the parameters
"""The audit commands of the command line on SQLite: output, stderr and exit codes."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest

from tests.integration.test_audit_export import verify_export
from tests.integration.test_cli import cli, database  # noqa: F401 - the same fixtures
from tests.support import PASSWORD, unique


@pytest.fixture
def township(cli) -> tuple[str, str]:
    county, code = unique("county"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, code, "巩留镇").exit_code == 0
    line = (
        f'{{"township": "{code}", "type": "dispute_registered", "id": "D-1",'
        ' "occurred_on": "2024-03-01", "source": "screening", "category": "邻里"}'
    )
    assert cli("record", line).exit_code == 0
    return county, code


def test_verify_says_what_it_checked_and_exits_0(cli, township) -> None:
    result = cli("verify", "--township", township[1])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("verified up to position ")
    assert "1 township chain(s), 1 event(s), 1 link(s)" in result.stdout


def test_verify_names_the_changed_record_and_exits_1(cli, township, database) -> None:
    connection = sqlite3.connect(database.removeprefix("sqlite:///"))
    with connection:
        connection.execute(
            "UPDATE stored_events SET state = CAST(replace(state, '邻里', '土地') AS BLOB)"
            " WHERE topic LIKE 'domain.dispute:%'"
        )
    connection.close()
    result = cli("verify")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"verify: township {township[1]}, entry D-1, version 1,")
    assert "differs from what link 1 recorded" in result.stderr


def test_a_township_one_may_not_see_is_not_found(cli, township) -> None:
    result = cli("verify", "--township", "nowhere")
    assert (result.exit_code, result.stderr.strip()) == (1, "error: township: no township nowhere")


def test_verify_names_a_record_that_cannot_be_read(cli, township, database) -> None:
    connection = sqlite3.connect(database.removeprefix("sqlite:///"))
    with connection:
        connection.execute(
            "UPDATE stored_events SET state = CAST('{' AS BLOB) WHERE topic LIKE 'domain.dispute:%'"
        )
    connection.close()
    result = cli("verify", "--township", township[1])
    assert result.exit_code == 1
    assert "the record cannot be read" in result.stderr


def test_publish_prints_a_receipt_and_publication_gives_the_bytes_back(cli, township, tmp_path):
    county, code = township
    receipt = cli("publish", "--county", county, "--period", "2024", "--json")
    assert receipt.exit_code == 0, receipt.output
    printed = json.loads(receipt.stdout)
    assert set(printed) == {"id", "sha256", "position", "published_at"}
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert cli("publication", printed["id"], "-o", str(first)).exit_code == 0
    later = (
        f'{{"township": "{code}", "type": "dispute_mediated", "id": "D-1",'
        ' "occurred_on": "2024-03-02", "outcome": "resolved", "mediator": "volunteer"}'
    )
    assert cli("record", later).exit_code == 0
    shown = cli("publication", printed["id"], "-o", str(second))
    assert shown.exit_code == 0
    assert shown.stdout.strip().endswith(f"sha256 {printed['sha256']}")
    assert first.read_bytes() == second.read_bytes()
    assert hashlib.sha256(first.read_bytes()).hexdigest() == printed["sha256"]
    assert json.loads(first.read_bytes())["chain_heads"][code]["link"] == 1


def test_publication_of_an_unknown_id_is_not_found(cli, township, tmp_path) -> None:
    result = cli("publication", "0" * 32, "-o", str(tmp_path / "x.json"))
    assert (result.exit_code, result.stderr.strip()) == (1, f"error: id: no publication {'0' * 32}")
    assert not (tmp_path / "x.json").exists()


def test_audit_export_writes_a_file_the_standalone_verifier_accepts(cli, township, tmp_path):
    county, code = township
    path = tmp_path / "export.jsonl"
    result = cli("audit-export", "--county", county, "-o", str(path))
    assert result.exit_code == 0, result.output
    receipt = result.stdout.strip().rsplit(" ", 1)[-1]
    assert result.stdout.startswith(f"{path}: 4 records, sha256 ")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == receipt
    checked = verify_export(path, "--receipt", receipt)
    assert (checked.returncode, checked.stdout.strip()) == (
        0,
        "verified: 1 event(s), 1 link(s), 0 anchor(s)",
    )


def test_audit_export_needs_a_township_or_a_county(cli, township, tmp_path) -> None:
    result = cli("audit-export", "-o", str(tmp_path / "x.jsonl"))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "error: township: give a township (--township) or a county (--county)"
    )
    assert not (tmp_path / "x.jsonl").exists()


def test_ranking_shows_a_restatement_naming_the_late_entry(cli, township) -> None:
    county, first = township  # one dispute, not resolved
    second = unique("town")
    assert cli("township", "add", "--county", county, second, "阿尕尔森乡").exit_code == 0
    for raw in (
        f'{{"township": "{second}", "type": "dispute_registered", "id": "D-1",'
        ' "occurred_on": "2024-03-01", "source": "screening", "category": "邻里"}',
        f'{{"township": "{second}", "type": "dispute_mediated", "id": "D-1",'
        ' "occurred_on": "2024-03-02", "outcome": "failed", "mediator": "volunteer"}',
    ):
        assert cli("record", raw).exit_code == 0
    assert cli("publish", "--county", county, "--period", "2024").exit_code == 0
    assert "restatement" not in cli("ranking", "--county", county, "--period", "2024").stdout
    late = (
        f'{{"township": "{first}", "type": "dispute_mediated", "id": "D-1",'
        ' "occurred_on": "2024-03-09", "outcome": "resolved", "mediator": "volunteer"}'
    )
    assert cli("record", late).exit_code == 0
    shown = cli("ranking", "--county", county, "--period", "2024")
    assert shown.exit_code == 0
    assert "restatement: entries recorded or retracted since the ranking published on " in (
        shown.stdout
    )
    assert "  since the publication: 1 recorded, 0 retracted, counting in this period" in (
        shown.stdout
    )
    assert f"  {first} D-1 dispute_mediated of 2024-03-09, recorded after the publication" in (
        shown.stdout
    )
    as_json = json.loads(cli("ranking", "--county", county, "--period", "2024", "--json").stdout)
    assert [e["entry_id"] for e in as_json["restatement"]["entries"]] == ["D-1"]


def test_the_ranking_names_the_first_entries_and_counts_the_rest(cli, township, tmp_path):
    county, first = township  # one dispute, not resolved: 0 %, ranked 1 with the second's 0 %
    second = unique("town")
    assert cli("township", "add", "--county", county, second, "阿尕尔森乡").exit_code == 0
    path = tmp_path / "late.jsonl"
    resolved = {"type": "dispute_registered", "occurred_on": "2024-03-01", "source": "other",
                "category": "邻里"}  # fmt: skip
    path.write_text(
        json.dumps({**resolved, "township": second, "id": "D-1"})
        + "\n"
        + json.dumps({"township": second, "type": "dispute_mediated", "id": "D-1",
                      "occurred_on": "2024-03-02", "outcome": "failed", "mediator": "other"})
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    assert cli("import", str(path)).exit_code == 0
    published = cli("publish", "--county", county, "--period", "2024", "--json")
    at = json.loads(published.stdout)["published_at"]
    late = [{**resolved, "township": first, "id": f"L-{n}"} for n in range(25)]
    late += [
        {"township": first, "type": "dispute_mediated", "id": f"L-{n}",
         "occurred_on": "2024-03-02", "outcome": "resolved", "mediator": "other"}
        for n in range(25)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(x) + "\n" for x in late), encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    shown = cli("ranking", "--county", county, "--period", "2024").stdout
    assert "  since the publication: 50 recorded, 0 retracted, counting in this period" in shown
    assert shown.count(", recorded after the publication (at ") == 20
    assert "  … and 30 more (ranking --json --all lists every one)" in shown
    as_json = json.loads(cli("ranking", "--county", county, "--period", "2024", "--json").stdout)
    assert len(as_json["restatement"]["entries"]) == 20
    assert as_json["restatement"]["next_cursor"] is not None
    every = cli("ranking", "--county", county, "--period", "2024", "--json", "--all").stdout
    assert len(json.loads(every)["restatement"]["entries"]) == 50
    # diff writes a file to keep: every entry since, with the counts
    diff = json.loads(cli("diff", "--county", county, "--period", "2024", "--as-of", at).stdout)
    assert len(diff["entries"]) == 50 and diff["next_cursor"] is None
    assert diff["counts"]["recorded"] == 50


def test_an_auditors_history_and_diff_are_in_the_audit_log(cli, township) -> None:
    county, code = township
    auditor = unique("auditor")
    added = cli("user", "add", auditor, "--role", "auditor", "--county", county, input=PASSWORD)
    assert added.exit_code == 0, added.output
    history = cli("history", "--township", code, "--entry", "D-1", as_user=auditor)
    assert history.exit_code == 0, history.output
    assert json.loads(history.stdout)["events"][0]["type"] == "dispute_registered"
    diff = cli(
        "diff",
        "--county",
        county,
        "--period",
        "2024",
        "--as-of",
        "2020-01-01T00:00:00Z",
        as_user=auditor,
    )
    assert diff.exit_code == 0, diff.output
    assert [e["entry_id"] for e in json.loads(diff.stdout)["entries"]] == ["D-1"]
    log = cli("audit-log", "--county", county)
    assert log.exit_code == 0
    actions = [row.split("\t")[1:] for row in log.stdout.splitlines()]
    assert actions == [
        [auditor, "history of entry D-1", code],
        [auditor, "ranking of 2024 as of 2020-01-01T00:00:00Z", county],
    ]
    refused = cli("record", "{}", as_user=auditor)
    assert refused.exit_code == 1


def test_diff_and_history_name_what_is_missing(cli, township) -> None:
    county, code = township
    result = cli("diff", "--period", "2024", "--as-of", "2020-01-01")
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "error: township: give a township (--township) or a county (--county)",
    )
    result = cli("history", "--township", code)
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "error: from: is required: the start of the time window",
    )
