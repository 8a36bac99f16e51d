"""The ``township-ledger`` command line: the public contract of DOMAIN.md.

Exit codes: 0 success, 1 the ledger refused (bad input, not found, rule broken), 2 usage.
Errors go to stderr, one readable line each.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
import psycopg
from eventsourcing.persistence import PersistenceError

from domain.access import Principal
from domain.errors import LedgerError
from infra.settings import Settings, SettingsError
from infra.view_writer import WriterFailed
from infra.wiring import open_ledger
from projections.runner import PIPELINE_PAGES, PROJECTION_PAGE_EVENTS
from services import Services
from services.interchange import ENVELOPE, ImportRejected, dumps, parse_line
from services.jsonl import file_lines


class Context:
    def __init__(self, database: str | None, as_user: str | None) -> None:
        self.settings = Settings.from_env(database_url=database)
        self.as_user = as_user
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = open_ledger(self.settings)
        return self._services

    @property
    def principal(self) -> Principal:
        if self.as_user:
            return self.services.tenancy.principal(username=self.as_user)
        return Principal.operator()

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the ledger's refusals into one stderr line each and exit status 1."""
    try:
        yield
    except ImportRejected as rejected:
        for error in rejected.errors:
            click.echo(f"error: {error}", err=True)
        fail(rejected.message)
    except (LedgerError, SettingsError) as error:
        fail(str(error))
    except (PersistenceError, sqlite3.OperationalError, psycopg.OperationalError) as error:
        fail(_store_trouble(error))
    except OSError as error:  # a file to write: a missing folder, a full disk, no right
        where = f"{error.filename}: " if error.filename else ""
        fail(f"{where}{error.strerror or error}")
    except WriterFailed:
        fail(
            "the read model could not be brought up to date (its writer process stopped);"
            " what was stored before is kept: run the command again"
        )


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _store_trouble(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    if "locked" in text or "busy" in text:
        return "the database is busy: another process held it too long; try again"
    return f"the database answered: {text}"


class LedgerGroup(click.Group):
    """Every command's errors as one line: the ledger's refusals (exit 1), and, should anything
    unforeseen go wrong, the kind of error and its message, never a traceback (exit 1)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with refusals():
                return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last resort of the command line
            message = " ".join(str(error).split())[:300]
            fail(f"{type(error).__name__}: {message}" if message else type(error).__name__)


@click.group(cls=LedgerGroup)
@click.option("--database", metavar="URL", help="Overrides LEDGER_DATABASE_URL.")
@click.option(
    "--as",
    "as_user",
    metavar="USERNAME",
    help="Act as this user, with their rights (default: the operator).",
)
@click.pass_context
def main(ctx: click.Context, database: str | None, as_user: str | None) -> None:
    """Township ledger: record, report and audit townships' rule-of-law work."""
    context = Context(database, as_user)
    ctx.obj = context
    ctx.call_on_close(context.close)


@main.command()
@click.pass_obj
def init(obj: Context) -> None:
    """Create what the database needs (idempotent)."""
    with refusals():
        obj.services  # noqa: B018 - opening the application creates the tables
    click.echo(f"ready: {obj.settings.database_url}")


@main.group()
def county() -> None:
    """Counties."""


@county.command("add")
@click.argument("code")
@click.argument("name")
@click.pass_obj
def county_add(obj: Context, code: str, name: str) -> None:
    """Add a county."""
    with refusals():
        view = obj.services.tenancy.add_county(obj.principal, code=code, name=name)
    click.echo(f"county {view.code} {view.name}")


@main.group()
def township() -> None:
    """Townships."""


@township.command("add")
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.argument("code")
@click.argument("name")
@click.pass_obj
def township_add(obj: Context, county_code: str, code: str, name: str) -> None:
    """Add a township to a county."""
    with refusals():
        view = obj.services.tenancy.add_township(
            obj.principal, county=county_code, code=code, name=name
        )
    click.echo(f"township {view.code} {view.name} in {view.county}")


@main.group()
def user() -> None:
    """Users."""


@user.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["clerk", "head", "county_officer", "auditor", "admin"]),
)
@click.option("--township", "township_code", metavar="CODE")
@click.option("--county", "county_code", metavar="CODE")
@click.pass_obj
def user_add(
    obj: Context, username: str, role: str, township_code: str | None, county_code: str | None
) -> None:
    """Add a user; the password is read from stdin."""
    password = read_password()
    with refusals():
        view = obj.services.tenancy.add_user(
            obj.principal,
            username=username,
            password=password,
            role=role,
            county=county_code,
            township=township_code,
        )
    where = view.township or view.county or "the installation"
    click.echo(f"user {view.username} ({view.role}, {where})")


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@main.command("import")
@click.argument("file", type=click.File("rb"))
@click.pass_obj
def import_(obj: Context, file: Any) -> None:
    """Import a JSON Lines file (UTF-8): every line is checked first, and if any is refused,
    nothing is recorded. A file of more than one transaction (5,000 events or 2 MiB) that is
    interrupted while recording keeps what it recorded; `imports` lists it until the same
    file is imported again, which completes it. See docs/interchange.md."""
    with refusals():
        if sys.stderr.isatty():
            lines = list(file_lines(file))
            # Every line is checked first; the bar shows the recording that follows.
            with click.progressbar(length=len(lines), label="recording", file=sys.stderr) as bar:
                result = obj.services.interchange.import_lines(
                    obj.principal, lines, progress=bar.update
                )
        else:
            result = obj.services.interchange.import_lines(obj.principal, file_lines(file))
    click.echo(f"{result.recorded} recorded, {result.repeats} already recorded")


@main.command("imports")
@click.pass_obj
def imports(obj: Context) -> None:
    """Imports that were interrupted while recording: part of their file is recorded. Import
    the same file again to complete one."""
    with refusals():
        unfinished = obj.services.interchange.unfinished_imports(obj.principal)
    for item in unfinished:
        click.echo(
            f"unfinished: started {item.started_at:%Y-%m-%d %H:%M:%S} UTC by {item.by},"
            f" {item.lines} lines ({item.events} events) for {', '.join(item.townships)};"
            f" file SHA-256 {item.digest}"
        )
    if not unfinished:
        click.echo("no unfinished import")


@main.command()
@click.argument("line")
@click.pass_obj
def record(obj: Context, line: str) -> None:
    """Record one event given as a line of the interchange format, e.g. a head's
    report_submitted, a county officer's report_accepted, or an entry_retracted."""
    with refusals():
        given = parse_line(line)
        result = obj.services.entries.record(
            obj.principal,
            township=given.get("township"),
            type=given.get("type"),
            entry_id=given.get("id"),
            occurred_on=given.get("occurred_on"),
            fields={k: v for k, v in given.items() if k not in ENVELOPE},
        )
    click.echo(f"{result.status}: {result.type} {result.entry_id} in {result.township}")


@main.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.pass_obj
def export(obj: Context, township_code: str) -> None:
    """Write a township's events to stdout in the interchange format."""
    with refusals():
        for line in obj.services.interchange.export(obj.principal, township=township_code):
            click.echo(dumps(line))


@main.command()
@click.pass_obj
def demo(obj: Context) -> None:
    """Load the demo county (idempotent) and print what it holds."""
    from sample.load import load_demo

    with refusals():
        summary = load_demo(obj.services, obj.principal)
    for line in summary:
        click.echo(line)


@main.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--as-of", metavar="TIME", help="Only what had been recorded by then (ISO, UTC).")
@click.option("--json", "as_json", is_flag=True, help="The figures document as JSON.")
@click.pass_obj
def figures(
    obj: Context, township_code: str, period: str, as_of: str | None, as_json: bool
) -> None:
    """A township's figures for a period."""
    with refusals():
        doc = obj.services.figures.figures(
            obj.principal, township=township_code, period=period, as_of=as_of
        )
    if as_json:
        return _echo_json(doc)
    for name, value in _flatten(doc):
        click.echo(f"{name}\t{value}")


@main.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--figure", required=True, metavar="NAME", help="e.g. disputes.resolved")
@click.option("--as-of", metavar="TIME")
@click.pass_obj
def trace(obj: Context, township_code: str, period: str, figure: str, as_of: str | None) -> None:
    """The entry ids behind one figure, one per line."""
    with refusals():
        ids = obj.services.figures.trace(
            obj.principal, township=township_code, period=period, figure=figure, as_of=as_of
        )
    for entry_id in ids:
        click.echo(entry_id)


@main.command()
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--as-of", metavar="TIME")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def ranking(obj: Context, county_code: str, period: str, as_of: str | None, as_json: bool) -> None:
    """The county's townships ranked by score."""
    with refusals():
        doc = obj.services.rankings.ranking(
            obj.principal, county=county_code, period=period, as_of=as_of
        )
        # Today's ranking says when later entries changed the latest published one.
        notice = None
        if as_of is None:
            notice = obj.services.publications.restatement(
                obj.principal, county=county_code, period=period, today=doc
            )
    if as_json:
        shown = {**doc, "restatement": notice} if notice else doc
        return _echo_json(shown)
    click.echo(f"{doc['county']} {doc['period']} as of {doc['as_of']}; {doc['formula']}")
    for ind in doc["weights"]:
        click.echo(f"  {ind['figure']} ({ind['direction']} is better) weight {ind['weight']}")
    for row in doc["townships"]:
        shown = "no data" if row["score"] is None else f"{row['score']:.2f}"
        click.echo(f"{row['rank'] or '-':>3}  {shown:>7}  {row['township']} {row['name']}")
    if notice:
        from infra.cli_audit import restatement_lines

        for text in restatement_lines(notice):
            click.echo(text)


@main.command("indicators")
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_obj
def indicators(obj: Context, county_code: str, file: Any) -> None:
    """Set the county's ranking indicators from a JSON list of {figure, direction, weight}."""
    with refusals():
        try:
            given = json.load(file)
        except json.JSONDecodeError as error:
            raise LedgerError(f"not valid JSON: {error}", field="indicators") from None
        chosen = obj.services.rankings.set_indicators(
            obj.principal, county=county_code, indicators=given
        )
    click.echo(json.dumps(chosen, ensure_ascii=False))


@main.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--year", required=True, type=int)
@click.option("--format", "fmt", type=click.Choice(["docx", "html"]), default="html")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.option("--as-of", metavar="TIME")
@click.pass_obj
def report(
    obj: Context, township_code: str, year: int, fmt: str, output: str, as_of: str | None
) -> None:
    """Write a township's annual report (Simplified Chinese) as DOCX or HTML."""
    from documents.report_docx import render_docx
    from documents.report_html import render_html

    with refusals():
        document = obj.services.reports.report(
            obj.principal, township=township_code, year=year, as_of=as_of
        )
    if fmt == "docx":
        with open(output, "wb") as out:
            out.write(render_docx(document))
    else:
        with open(output, "w", encoding="utf-8") as out:
            out.write(render_html(document))
    click.echo(f"{output}: {document.title}")


@main.command()
@click.option("--follow", is_flag=True, help="Keep following the log until interrupted.")
@click.option("--rebuild", is_flag=True, help="Forget the read model and project from zero.")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between polls.")
@click.option(
    "--page",
    type=click.IntRange(min=1),
    default=PROJECTION_PAGE_EVENTS,
    show_default=True,
    help=f"Events a read-model transaction. From {PIPELINE_PAGES} pages behind, a second"
    " process stores each page while the next is projected.",
)
@click.pass_obj
def project(obj: Context, follow: bool, rebuild: bool, interval: float, page: int) -> None:
    """Bring the read models up to date (the projection worker with --follow)."""
    read_model = obj.services.read_model
    read_model.page = page
    position = read_model.rebuild() if rebuild else read_model.refresh()
    click.echo(f"projected up to {position}")
    if follow:
        stop = threading.Event()
        try:
            read_model.follow(stop, interval=interval)
        except KeyboardInterrupt:
            stop.set()


def _echo_json(doc: Any) -> None:
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def _flatten(doc: dict, prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows.extend(_flatten(value, f"{name}."))
        else:
            rows.append((name, value))
    return rows


# The audit commands live in their own module; importing it registers them on ``main``.
import infra.cli_audit  # noqa: E402, F401
