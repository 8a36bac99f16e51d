"""The ``township-ledger`` command line on SQLite: its output, stderr lines and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from infra.cli import main
from infra.settings import event_store_env
from sample.lines import write_jsonl
from services import open_services
from tests.support import PASSWORD, alone, seed_year, unique


@pytest.fixture
def database(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/cli.sqlite3"


@pytest.fixture
def cli(database):
    """Run the command line on the test's database, returning click's result."""
    runner = CliRunner()

    def run(*args: str, input: str | None = None, as_user: str | None = None):
        prefix = ["--database", database] + (["--as", as_user] if as_user else [])
        return runner.invoke(main, [*prefix, *args], input=input)

    return run


@pytest.fixture
def township(cli) -> tuple[str, str]:
    """A county and a township in it, made through the command line."""
    county, code = unique("county"), unique("town")
    assert cli("init").exit_code == 0
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, code, "巩留镇").exit_code == 0
    return county, code


def lines_of(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_setting_up_a_county_a_township_and_a_user_who_signs_in(cli, database):
    county, code, clerk = unique("county"), unique("town"), unique("clerk")
    init = cli("init")
    assert (init.exit_code, init.stdout.strip()) == (0, f"ready: {database}")
    assert cli("county", "add", county, "巩留县").stdout.strip() == f"county {county} 巩留县"
    added = cli("township", "add", "--county", county, code, "巩留镇")
    assert (added.exit_code, added.stdout.strip()) == (0, f"township {code} 巩留镇 in {county}")
    user = cli("user", "add", clerk, "--role", "clerk", "--township", code, input=PASSWORD + "\n")
    assert (user.exit_code, user.stdout.strip()) == (0, f"user {clerk} (clerk, {code})")

    ledger = open_services(event_store_env(database))
    try:
        principal = ledger.tenancy.authenticate(username=clerk, password=PASSWORD)
    finally:
        ledger.close()
    assert (principal.role, principal.township) == ("clerk", code)


def test_a_code_taken_twice_is_refused_on_stderr(cli, township):
    county, _ = township
    again = cli("county", "add", county, "another")
    assert again.exit_code == 1
    assert again.stdout == ""
    assert again.stderr == f"error: code: county {county} already exists\n"


def test_import_records_the_file_and_says_how_much(cli, township, tmp_path):
    _, code = township
    path = tmp_path / "seed.jsonl"
    written = write_jsonl(path, seed_year(code))
    first = cli("import", str(path))
    assert (first.exit_code, first.stdout) == (0, f"{written} recorded, 0 already recorded\n")
    again = cli("import", str(path))
    assert (again.exit_code, again.stdout) == (0, f"0 recorded, {written} already recorded\n")


def test_export_prints_the_imported_lines(cli, township, tmp_path):
    _, code = township
    path = tmp_path / "seed.jsonl"
    write_jsonl(path, seed_year(code))
    cli("import", str(path))
    exported = cli("export", "--township", code)
    assert exported.exit_code == 0
    assert lines_of(exported.stdout) == seed_year(code)


def test_a_bad_file_is_refused_line_by_line_and_records_nothing(cli, township, tmp_path):
    _, code = township
    lines = seed_year(code)
    spoilable = alone(lines)
    mediated = next(n for n in spoilable if lines[n]["type"] == "dispute_mediated")
    dated = next(n for n in spoilable if n != mediated)
    lines[mediated] = {**lines[mediated], "outcome": "settled"}
    lines[dated] = {**lines[dated], "occurred_on": "2024-02-30"}
    path = tmp_path / "bad.jsonl"
    write_jsonl(path, lines)

    result = cli("import", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    errors = result.stderr.splitlines()
    expected = sorted([(dated + 1, "occurred_on"), (mediated + 1, "outcome")])
    assert len(errors) == 3
    for error, (line, field) in zip(errors, expected, strict=False):
        assert error.startswith(f"error: line {line}: {field}: ")
    assert errors[2] == "error: 2 bad line(s); nothing was recorded"
    assert cli("export", "--township", code).stdout == ""


def test_an_unknown_township_is_refused(cli, township):
    result = cli("export", "--township", "atlantis")
    assert result.exit_code == 1
    assert result.stderr == "error: township: no township atlantis\n"


@pytest.mark.parametrize(
    "args",
    [
        ["township", "add", "gongliu", "巩留镇"],
        ["user", "add", "clerk", "--role", "mayor"],
        ["export"],
        ["frobnicate"],
    ],
    ids=["missing option", "bad choice", "missing township", "unknown command"],
)
def test_a_usage_error_exits_2(cli, args):
    result = cli(*args)
    assert result.exit_code == 2
    assert "Usage:" in result.stderr


def test_a_clerk_cannot_import_into_another_township(cli, township, tmp_path):
    county, ours = township
    theirs, clerk = unique("town"), unique("clerk")
    cli("township", "add", "--county", county, theirs, "阿尕尔森镇")
    cli("user", "add", clerk, "--role", "clerk", "--township", ours, input=PASSWORD + "\n")
    path = tmp_path / "theirs.jsonl"
    write_jsonl(path, seed_year(theirs)[:5])

    result = cli("import", str(path), as_user=clerk)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[:5] == [f"error: line {n}: township: no township {theirs}" for n in range(1, 6)]
    assert cli("export", "--township", theirs).stdout == ""

    write_jsonl(path, seed_year(ours)[:5])
    assert cli("import", str(path), as_user=clerk).exit_code == 0


def installed_command() -> str:
    beside = Path(sys.executable).parent / "township-ledger"
    found = str(beside) if beside.exists() else shutil.which("township-ledger")
    assert found, "the township-ledger console script is not installed"
    return found


def test_the_installed_command_reads_its_database_from_the_environment(tmp_path):
    command = installed_command()
    env = {**os.environ, "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/installed.sqlite3"}
    county, code = unique("county"), unique("town")
    path = tmp_path / "seed.jsonl"
    written = write_jsonl(path, seed_year(code))

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [command, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
        )

    for args in (
        ["init"],
        ["county", "add", county, "县"],
        ["township", "add", "--county", county, code, "镇"],
    ):
        assert run(*args).returncode == 0
    imported = run("import", str(path))
    assert (imported.returncode, imported.stdout) == (
        0,
        f"{written} recorded, 0 already recorded\n",
    )
    exported = run("export", "--township", code)
    assert exported.returncode == 0
    assert lines_of(exported.stdout) == seed_year(code)
    missing = run("export", "--township", "atlantis")
    assert (missing.returncode, missing.stderr) == (1, "error: township: no township atlantis\n")
    assert not (tmp_path / "var").exists()


def test_the_demo_loads_the_county_once_and_shows_its_ranking(cli):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "8101 events recorded now, 0 already there" in first.stdout
    assert "1. gongliu 巩留镇" in first.stdout
    assert "disputes 362 registered, 330 resolved" in first.stdout
    again = cli("demo")
    assert "0 events recorded now, 8101 already there" in again.stdout
    clerk = cli("figures", "--township", "gongliu", "--period", "2024", "--json", as_user="clerk")
    assert json.loads(clerk.stdout)["rates"]["mediation_success"]["value"] == 0.9116


def test_the_year_report_is_submitted_by_the_head_and_accepted_by_the_county(cli):
    assert cli("demo").exit_code == 0

    def record(as_user, **line):
        return cli("record", json.dumps({"township": "gongliu", **line}), as_user=as_user)

    refused = record(
        "clerk", type="report_submitted", id="R-1", occurred_on="2025-01-10", year=2024
    )
    assert refused.exit_code == 1
    assert "only the township head records report_submitted" in refused.stderr
    submitted = record(
        "head", type="report_submitted", id="R-1", occurred_on="2025-01-10", year=2024
    )
    assert submitted.stdout.strip() == "recorded: report_submitted R-1 in gongliu"
    assert (
        record("officer", type="report_accepted", id="R-1", occurred_on="2025-01-12").exit_code == 0
    )
    assert (
        record("clerk", type="liaison_registered", id="L-late", occurred_on="2024-12-30").exit_code
        == 0
    )
    figures = cli(
        "figures", "--township", "gongliu", "--period", "2024", "--json", as_user="officer"
    )
    status = json.loads(figures.stdout)["report"]
    assert (status["status"], status["late_amendments"]) == ("accepted", ["L-late"])


def test_a_clerk_retracts_only_what_a_clerk_records(cli, township, tmp_path):
    """Not the head's accepted submission, by a command or in a file: exit 1, the line and
    the field named, nothing recorded."""
    county, code = township
    users = {role: unique(role.replace("_", "-")) for role in ("clerk", "head", "county_officer")}
    for role, username in users.items():
        where = ("--county", county) if role == "county_officer" else ("--township", code)
        added = cli("user", "add", username, "--role", role, *where, input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output

    def line(**fields) -> str:
        return json.dumps({"township": code, "id": "R-1", **fields}, ensure_ascii=False)

    submitted = line(type="report_submitted", occurred_on="2025-01-10", year=2024)
    assert cli("record", submitted, as_user=users["head"]).exit_code == 0
    accepted = line(type="report_accepted", occurred_on="2025-01-12")
    assert cli("record", accepted, as_user=users["county_officer"]).exit_code == 0
    retraction = line(type="entry_retracted", occurred_on="2025-01-13", reason="重新报送")
    refused = cli("record", retraction, as_user=users["clerk"])
    assert refused.exit_code == 1
    assert "id: a clerk retracts only what a clerk records" in refused.stderr
    path = tmp_path / "retraction.jsonl"
    path.write_text(retraction + "\n", encoding="utf-8")
    imported = cli("import", str(path), as_user=users["clerk"])
    assert imported.exit_code == 1
    assert "line 1: id: a clerk retracts only" in imported.stderr
    exported = lines_of(cli("export", "--township", code).stdout)
    assert [e["type"] for e in exported] == ["report_submitted", "report_accepted"]


def test_the_ranking_names_each_townships_data_quality_flags(cli, township, tmp_path):
    """The seed year is recorded now, long after its business dates: all of it backfilled."""
    county, code = township
    path = tmp_path / "seed.jsonl"
    write_jsonl(path, seed_year(code))
    assert cli("import", str(path)).exit_code == 0
    doc = json.loads(cli("ranking", "--county", county, "--period", "2024", "--json").stdout)
    assert doc["townships"][0]["flags"] == ["backfilled"]
    shown = cli("ranking", "--county", county, "--period", "2024").stdout
    assert f"{code} 巩留镇  flags: backfilled" in shown
