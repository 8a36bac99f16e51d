"""Every command error is one line on stderr and exit status 1 or 2, never a traceback, on
SQLite and PostgreSQL: files in the wrong encoding, numbers and nesting no line needs, periods
and figures that do not exist, reports that cannot be written, a database held by another
process, a read-model writer killed, and anything unforeseen."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from domain.figure_names import COUNT_FIGURES
from infra.cli import main
from infra.settings import Settings
from infra.view_writer import ViewWriter
from services.catalogue import today
from services.interchange import Interchange
from tests.support import PASSWORD, unique


@pytest.fixture
def database(own_sql_database_url: str) -> str:
    return own_sql_database_url


@pytest.fixture
def cli(database):
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None):
        return runner.invoke(main, ["--database", database, *args], input=input)

    return run


@pytest.fixture
def township(cli) -> str:
    county, code = unique("county"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, code, "巩留镇").exit_code == 0
    return code


def one_error(result, status: int = 1) -> str:
    """The single stderr line of a failed command, checked to be no traceback."""
    assert result.exit_code == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) in (1, 2) and lines[0].startswith("error: "), result.stderr
    return lines[0]


def dispute(township: str, **given) -> dict:
    return {
        "township": township,
        "type": "dispute_registered",
        "id": "D-1",
        "occurred_on": "2024-03-05",
        "source": "screening",
        "category": "土地纠纷",
        **given,
    }


@pytest.mark.parametrize(
    ("encode", "said"),
    [
        (lambda text: text.encode("gbk"), "line 2: is not UTF-8; it looks like GBK"),
        (lambda text: text.encode("utf-16"), "line 1: the file looks like UTF-16"),
        (lambda text: text.encode("utf-16-le"), "line 1: the file looks like UTF-16"),
        (lambda text: text.encode() + b"\xff\x80\n", "line 3: is not UTF-8 (byte 0xff at 1)"),
    ],
    ids=["gbk", "utf-16", "utf-16-without-bom", "invalid-utf-8"],
)
def test_a_file_in_another_encoding_is_refused_naming_it_and_the_line(
    cli, township, tmp_path, encode, said
):
    ascii_line = json.dumps(dispute(township, id="D-0", category="land"))
    text = ascii_line + "\n" + json.dumps(dispute(township), ensure_ascii=False) + "\n"
    path = tmp_path / "lines.jsonl"
    path.write_bytes(encode(text))
    assert one_error(cli("import", str(path))).startswith(f"error: {said}")
    assert cli("export", "--township", township).stdout == ""


def test_a_utf_8_file_with_a_byte_order_mark_is_read(cli, township, tmp_path):
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(dispute(township)).encode() + b"\n")
    assert cli("import", str(path)).stdout == "1 recorded, 0 already recorded\n"


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ('{"township": "x", "attendees": 1%s}' % ("0" * 5_000), "too many digits"),
        ("[" * 50_000 + "]" * 50_000, "nested too deeply"),
        ('{"township": "x", "attendees": NaN}', "NaN is not a JSON number"),
        ('{"township": "x", "township": "y"}', 'gives the key "township" twice'),
    ],
    ids=["5000-digits", "deep-nesting", "nan", "duplicate-key"],
)
def test_a_line_no_interchange_line_needs_is_one_error(cli, township, line, said):
    assert said in one_error(cli("record", line))


def test_a_count_beyond_the_limit_is_refused_naming_the_field(cli, township):
    line = json.dumps({**dispute(township), "type": "meeting_held", "matters_decided": 10**30})
    line = line.replace(', "source": "screening", "category": "\\u571f\\u5730\\u7ea0\\u7eb7"', "")
    assert "matters_decided: must be at most 10,000,000" in one_error(cli("record", line))


@pytest.mark.parametrize(
    "period", ["0000", "0000-Q1", "1948-12", "2024-13", "", "9999-12", "9999-Q4", "9999"]
)
def test_a_period_that_does_not_exist_is_one_error(cli, township, period):
    assert "period" in one_error(cli("figures", "--township", township, "--period", period))


@pytest.mark.parametrize("period", ["9999-12", "9999-Q4"])
def test_a_period_out_of_range_is_one_error_for_the_ranking_and_the_report(cli, township, period):
    county = unique("county")
    assert cli("county", "add", county, "县").exit_code == 0
    ranked = one_error(cli("ranking", "--county", county, "--period", period))
    assert ranked.startswith("error: period: must be a year up to ")
    report = cli("report", "--township", township, "--year", "9999", "-o", "/dev/null")
    assert one_error(report).startswith("error: year: must be a year from 1949 to ")


def test_trace_of_a_figure_that_does_not_exist_lists_the_names(cli, township):
    error = one_error(cli("trace", "--township", township, "--period", "2024", "--figure", "x.y"))
    assert "figure: no figure x.y" in error
    assert all(name in error for name in ("disputes.resolved", "rates.mediation_success"))
    assert len(COUNT_FIGURES) > 40  # all of them are listed, on the one line


@pytest.mark.parametrize(
    "where",
    ["missing/folder/report.html", "/dev/full"],
    ids=["missing-folder", "full-disk"],
)
def test_a_report_that_cannot_be_written_is_one_error(cli, township, tmp_path, where):
    output = where if where.startswith("/") else str(tmp_path / where)
    args = ["report", "--township", township, "--year", "2024", "--format", "html", "-o", output]
    error = one_error(cli(*args))
    assert ("No such file or directory" in error) or ("No space left on device" in error)


@pytest.mark.parametrize("own_sql_database_url", ["sqlite"], indirect=True)
def test_a_database_held_longer_than_the_timeout_is_one_error(cli, township, database, monkeypatch):
    """SQLite's: another process holds the whole file. (PostgreSQL's writers wait on one
    table's lock, which the library tries again for a while before giving up.)"""
    event_store_env = Settings.event_store_env
    monkeypatch.setattr(
        Settings,
        "event_store_env",
        lambda self: {**event_store_env(self), "SQLITE_LOCK_TIMEOUT": "1"},
    )
    holder = sqlite3.connect(database.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        error = one_error(cli("county", "add", unique("county"), "县"))
    finally:
        holder.close()
    assert error == "error: the database is busy: another process held it too long; try again"


def test_a_killed_read_model_writer_is_one_error_and_the_next_command_completes(
    cli, township, tmp_path, monkeypatch
):
    lines = [json.dumps(dispute(township, id=f"D-{n}"), ensure_ascii=False) for n in range(300)]
    (tmp_path / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("import", str(tmp_path / "lines.jsonl")).exit_code == 0
    monkeypatch.setattr("infra.read_model_storage.usable_cores", lambda: 2)
    send = ViewWriter.send

    def killed(writer, *args, **kwargs):
        writer._process.kill()
        writer._process.wait()
        return send(writer, *args, **kwargs)

    monkeypatch.setattr(ViewWriter, "send", killed)
    error = one_error(cli("project", "--rebuild", "--page", "10"))
    assert "writer process stopped" in error and "run the command again" in error
    monkeypatch.undo()
    figures = cli("figures", "--township", township, "--period", "2024", "--json")
    assert json.loads(figures.stdout)["disputes"]["registered"] == 300


def test_anything_unforeseen_is_one_line_with_its_kind(cli, township, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk\nfell off")

    monkeypatch.setattr(Interchange, "export", broken)
    assert one_error(cli("export", "--township", township)) == (
        "error: RuntimeError: the disk fell off"
    )


def test_import_help_says_what_an_interrupted_import_leaves(cli):
    shown = " ".join(cli("import", "--help").stdout.split())
    assert "nothing is recorded" in shown
    assert "`imports` lists it until the same file is imported again" in shown


def test_imports_lists_nothing_when_every_import_completed(cli, township, tmp_path):
    path = Path(tmp_path / "one.jsonl")
    path.write_text(json.dumps(dispute(township)) + "\n", encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0
    assert cli("imports").stdout == "no unfinished import\n"
    assert one_error(cli("--as", "nobody", "imports")) == "error: as: no user nobody"


@pytest.mark.parametrize(
    "as_of",
    ["9999-12-31T23:00:00-05:00", "yesterday", "0000-01-01", "9999-12-31T23:59:59Z", "1900-01-01"],
)
def test_a_moment_that_does_not_exist_is_one_error(cli, township, as_of):
    args = ["figures", "--township", township, "--period", "2024", "--as-of", as_of]
    assert "as_of: must be" in one_error(cli(*args))


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"id": "D\u0000-1"}, "id"),
        ({"id": "D-\ud800"}, "id"),
        ({"id": " D-1"}, "id"),
        ({"category": "土地\u202e纠纷"}, "category"),
        ({"occurred_on": "9999-12-31"}, "occurred_on"),
        ({"source": {"nested": ["x"]}}, "source"),
    ],
    ids=["nul-id", "surrogate-id", "spaced-id", "direction-override", "year-9999", "nested"],
)
def test_a_clerk_recording_what_no_store_could_hold_is_refused_and_figures_still_answer(
    cli, township, given, field
):
    clerk = unique("clerk")
    added = cli("user", "add", clerk, "--role", "clerk", "--township", township, input=PASSWORD)
    assert added.exit_code == 0
    line = json.dumps(dispute(township, **given))  # ASCII: a lone surrogate as its escape

    assert one_error(cli("--as", clerk, "record", line)).startswith(f"error: {field}: ")

    assert cli("--as", clerk, "record", json.dumps(dispute(township))).exit_code == 0
    figures = cli("--as", clerk, "figures", "--township", township, "--period", "2024", "--json")
    assert json.loads(figures.stdout)["disputes"]["registered"] == 1


@pytest.mark.parametrize("weight", ["1e308", "NaN", "Infinity", "0", "1001"])
def test_a_weight_out_of_range_is_one_error_naming_its_field(cli, tmp_path, weight):
    county = unique("county")
    assert cli("county", "add", county, "县").exit_code == 0
    path = tmp_path / "indicators.json"
    path.write_text(
        '[{"figure": "rates.rectification", "direction": "higher", "weight": 1},'
        f' {{"figure": "rates.hotline_answer", "direction": "higher", "weight": {weight}}}]',
        encoding="utf-8",
    )
    error = one_error(cli("indicators", "--county", county, str(path)))
    assert error == "error: indicators[2].weight: must be a number greater than 0 and at most 1000"


def test_a_business_date_after_today_is_one_error_naming_occurred_on(cli, township):
    ahead = (today() + timedelta(days=3)).isoformat()
    said = one_error(cli("record", json.dumps(dispute(township, occurred_on=ahead))))
    assert said.startswith("error: occurred_on: must not be after today"), said
    assert cli("export", "--township", township).stdout == ""


def test_a_common_password_is_refused_naming_the_field(cli, township):
    username = unique("clerk")
    add = ("user", "add", username, "--role", "clerk", "--township", township)
    line = one_error(cli(*add, input="iloveyou1\n"))
    assert line.startswith("error: password: is one of the commonest passwords")
    assert cli(*add, input=f"{PASSWORD}\n").exit_code == 0  # nothing was made before
