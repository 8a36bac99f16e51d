"""The ``township-ledger`` command line: the public contract of DOMAIN.md.

Exit codes: 0 success, 1 the ledger refused (bad input, not found, rule broken), 2 usage.
Errors go to stderr, one readable line each.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from domain.access import Principal
from infra.cli_errors import LedgerGroup, refusals
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.interchange import dumps, parse_line
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
        result = obj.services.interchange.record_line(obj.principal, parse_line(line))
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


# The reporting, audit and serving commands live in their own modules; importing them registers
# them on ``main``.
import infra.cli_audit  # noqa: E402, F401
import infra.cli_reporting  # noqa: E402, F401
import infra.cli_serve  # noqa: E402, F401
