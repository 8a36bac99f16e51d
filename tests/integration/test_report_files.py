"""``figures``, ``ranking``, ``trace`` and ``report`` of the command line on SQLite: the DOCX
opened back (page numbers, parts, every figure and the entries behind it), the HTML's figures,
the JSON documents' names, refusals. The seed town's figures are tests/unit/test_seed.py's."""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import docx
import pytest
from click.testing import CliRunner

from domain.decision import DECISION_STEPS
from infra.cli import main
from projections.figures import lookup
from projections.report.annex import LABELS
from sample.lines import seed_lines, township_lines, write_jsonl
from tests.support import RATES, FigureSpans, unique

HEADINGS = ("一、工作开展情况", "二、存在的问题", "三、下一步打算")
SESSION_KINDS = {
    "theory_study",
    "political_study_day",
    "pre_meeting_law_study",
    "lecture",
    "enforcement_training",
    "publicity",
}


@pytest.fixture
def cli(tmp_path):
    """The command line on this test's SQLite file: ``cli(*args)`` gives click's result."""
    database, runner = f"sqlite:///{tmp_path}/ledger.sqlite3", CliRunner()

    def run(*args: str):
        return runner.invoke(main, ["--database", database, *args])

    return run


@pytest.fixture
def seeded(cli, tmp_path) -> tuple[str, str, str]:
    """A county with the seed township and a drawn one, their 2024 imported by the CLI."""
    county, seed, drawn = unique("county"), unique("town"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, seed, "巩留镇").exit_code == 0
    assert cli("township", "add", "--county", county, drawn, "阿尕尔森镇").exit_code == 0
    path = tmp_path / "year.jsonl"
    write_jsonl(path, seed_lines(township=seed) + township_lines(drawn, 2024, 1, scale=0.3))
    imported = cli("import", str(path))
    assert imported.exit_code == 0, imported.stderr
    return county, seed, drawn


def figures_json(cli, township: str, *more: str) -> dict:
    result = cli("figures", "--township", township, "--period", "2024", "--json", *more)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


# -- the report files --------------------------------------------------------------------------


def written(value) -> str:
    """A figure as the report writes it: a rate as a percentage with at most one decimal
    (91.2%, 97%, 100%), whole ten-thousands as 万, other counts in digits."""
    if isinstance(value, dict):
        share = (Decimal(100 * value["numerator"]) / Decimal(value["denominator"])).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        return f"{share}".removesuffix(".0") + "%"
    return f"{value // 10_000}万" if value >= 10_000 and value % 10_000 == 0 else str(value)


def write_report(cli, township: str, path, fmt: str) -> None:
    result = cli("report", "--township", township, "--year", "2024", "--format", fmt, "-o", path)
    assert result.exit_code == 0, result.stderr


def traced(cli, township: str, figure: str) -> list[str]:
    result = cli("trace", "--township", township, "--period", "2024", "--figure", figure)
    assert result.exit_code == 0, result.stderr
    return result.stdout.split()


def test_the_docx_report_opened_back_has_page_numbers_its_parts_and_every_figure(
    cli, seeded, tmp_path
):
    _, _, town = seeded
    write_report(cli, town, str(tmp_path / "report.docx"), "docx")
    document = docx.Document(str(tmp_path / "report.docx"))
    doc = figures_json(cli, town)

    footer = document.sections[0].footer._element.xml
    assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", footer)
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name[:4] == "Head"]
    assert [text for style, text in headings if style == "Heading 1"] == [
        *HEADINGS,
        "附件：数据来源",
    ]
    themes = [text for style, text in headings if style == "Heading 2"]
    assert [t[:3] for t in themes] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    body = "\n".join(p.text for p in document.paragraphs)
    body = body[: body.index("附件：数据来源")]
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows][1:]
    assert len(rows) > 40
    named = {label: name for name, label in LABELS.items()}
    for _, label, shown, entries, with_evidence, where in rows:
        name = named[label]
        value = lookup(doc, name)
        assert shown == written(value) and shown in body, name
        if isinstance(value, dict):  # a rate: the entries of its numerator / its denominator
            behind = (
                f"{len(traced(cli, town, name))}/{len(traced(cli, town, name + '.denominator'))}"
            )
        else:
            ids = traced(cli, town, name)
            behind = str(len(ids))
            listed = where.partition("；记录编号：")[2]
            assert listed.split("、") == ids if len(ids) <= 10 else listed == "", name
        assert entries == behind, (name, label)
        assert with_evidence == "0", (name, label)  # the seed's entries carry no file
        assert where.startswith("见“台账”页，类型："), where
    assert {"disputes.registered", "rates.mediation_success", "hotline.received"} <= {
        named[row[1]] for row in rows
    }


def test_every_number_of_the_html_report_is_a_figure_of_the_figures_document(cli, seeded, tmp_path):
    _, _, town = seeded
    out = tmp_path / "report.html"
    write_report(cli, town, str(out), "html")
    spans = FigureSpans()
    spans.feed(out.read_text(encoding="utf-8"))
    doc = figures_json(cli, town)

    assert len(spans.found) > 40
    for name, texts in spans.found.items():
        assert texts == {written(lookup(doc, name))}, name
    for heading in HEADINGS:
        assert heading in out.read_text(encoding="utf-8")


def test_the_entries_traced_behind_a_count_are_as_many_as_the_count(cli, seeded):
    _, _, town = seeded
    doc = figures_json(cli, town)

    for name in ("disputes.registered", "disputes.resolved", "issues.found", "inspections"):
        ids = traced(cli, town, name)
        assert len(ids) == len(set(ids)) == lookup(doc, name), name


# -- the JSON documents --------------------------------------------------------------------------


def test_the_figures_document_has_the_documented_names(cli, seeded):
    _, seed, _ = seeded

    doc = figures_json(cli, seed)

    # DOMAIN.md's names, and the extensions docs/figures.md describes (marked "extension").
    assert set(doc) == {
        "township",
        "period",
        "as_of",
        "sessions",
        "meetings",
        "decisions",
        "inspections",
        "issues",
        "disputes",
        "hotline",
        "roster",
        "rates",
        "report",  # extension: the year's report status
    }
    assert set(doc["sessions"]) == SESSION_KINDS
    for kind in SESSION_KINDS:
        assert set(doc["sessions"][kind]) == {"count", "attendees", "reached", "materials", "laws"}
    assert set(doc["meetings"]) == {"count", "matters_decided"}
    assert set(doc["decisions"]) == {
        "reviewed",
        "with_legality_review",
        "by_result",
        "by_reviewer",
        "by_step",  # extension: decisions by the procedure steps they went through
    }
    assert set(doc["decisions"]["by_step"]) == set(DECISION_STEPS)
    assert set(doc["decisions"]["by_result"]) == {"approved", "approved_with_changes", "rejected"}
    assert isinstance(doc["inspections"], int)
    assert set(doc["issues"]) == {"found", "rectified", "overdue", "rectified_on_time"}
    assert set(doc["disputes"]) == {"registered", "resolved", "failed", "by_mediator", "by_source"}
    assert set(doc["hotline"]) == {"received", "answered", "resolved"}
    assert set(doc["roster"]) == {
        "advisors_township",
        "advisors_community",
        "liaisons",
        "volunteers",
        "volunteer_posts",
        "officers",
    }
    assert set(doc["rates"]) == set(RATES)
    for rate in doc["rates"].values():
        assert set(rate) == {"numerator", "denominator", "value"}
    assert (doc["township"], doc["period"]) == (seed, "2024")


def test_figures_as_of_a_moment_before_the_import_are_empty(cli, seeded):
    _, seed, _ = seeded

    doc = figures_json(cli, seed, "--as-of", "2020-01-15T00:00:00Z")

    assert doc["as_of"] == "2020-01-15T00:00:00Z"
    assert (doc["disputes"]["registered"], doc["roster"]["volunteers"]) == (0, 0)
    assert doc["rates"]["mediation_success"] == {"numerator": 0, "denominator": 0, "value": None}


def test_the_ranking_document_has_the_documented_shape(cli, seeded):
    county, seed, drawn = seeded

    result = cli("ranking", "--county", county, "--period", "2024", "--json")

    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"county", "period", "as_of", "weights", "townships", "formula"}
    assert (doc["county"], doc["period"]) == (county, "2024")
    assert [w["figure"] for w in doc["weights"]] == [f"rates.{name}" for name in RATES]
    assert {row["township"] for row in doc["townships"]} == {seed, drawn}
    for row in doc["townships"]:
        assert set(row) == {"township", "name", "rank", "score", "indicators", "flags"}
        assert set(row["flags"]) <= {"backfilled", "rushed", "same_day_closures", "retractions"}
        assert 0 <= row["score"] <= 100 and row["score"] == round(row["score"], 2)
        assert set(row["indicators"]) == {f"rates.{name}" for name in RATES}
    names = {row["township"]: row["name"] for row in doc["townships"]}
    assert names == {seed: "巩留镇", drawn: "阿尕尔森镇"}
    assert sorted(row["rank"] for row in doc["townships"]) in ([1, 2], [1, 1])


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("when", ["yesterday", "2025-13-01T00:00:00Z", "15/01/2025"])
def test_a_bad_as_of_time_is_refused_naming_as_of(cli, seeded, when, tmp_path):
    county, seed, _ = seeded
    commands = [
        ("figures", "--township", seed, "--period", "2024", "--json"),
        ("ranking", "--county", county, "--period", "2024", "--json"),
        ("report", "--township", seed, "--year", "2024", "-o", str(tmp_path / "r.html")),
    ]
    for command in commands:
        result = cli(*command, "--as-of", when)
        assert result.exit_code == 1, command
        assert result.stdout == ""
        assert result.stderr.startswith("error: as_of: ") and when in result.stderr
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("period", ["24", "2024-Q5", "2024-13", "2024Q1", "Q1-2024", ""])
def test_an_unknown_period_format_is_refused_naming_period(cli, seeded, period):
    county, seed, _ = seeded
    for command in (
        ("figures", "--township", seed, "--json"),
        ("ranking", "--county", county, "--json"),
        ("trace", "--township", seed, "--figure", "inspections"),
    ):
        result = cli(*command, "--period", period)
        assert result.exit_code == 1, command
        assert result.stdout == ""
        assert result.stderr.startswith("error: period: "), result.stderr
