"""The ledger's own commands: setting up (init, counties, townships, users), recording
(import, imports, record), export and the demo."""

from __future__ import annotations

import sys
from typing import Any

import click

from infra.cli.errors import refusals
from infra.cli.root import Context
from services.interchange import dumps, parse_line
from services.jsonl import file_lines


@click.command()
@click.pass_obj
def init(obj: Context) -> None:
    """Create what the database needs (idempotent)."""
    with refusals():
        obj.services  # noqa: B018 - opening the application creates the tables
    click.echo(f"ready: {obj.settings.database_url}")


@click.group()
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


@click.group()
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


@click.group()
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
@click.option("--email", metavar="ADDRESS", help="where their notifications are mailed")
@click.pass_obj
def user_add(
    obj: Context,
    username: str,
    role: str,
    township_code: str | None,
    county_code: str | None,
    email: str | None,
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
            email=email,
        )
    where = view.township or view.county or "the installation"
    click.echo(f"user {view.username} ({view.role}, {where})")


@user.command("email")
@click.argument("username")
@click.argument("address", required=False)
@click.pass_obj
def user_email(obj: Context, username: str, address: str | None) -> None:
    """Set where a user's notifications are mailed (no ADDRESS: nowhere)."""
    with refusals():
        obj.services.tenancy.set_email(obj.principal, username=username, email=address)
    click.echo(f"user {username}: {address or 'no e-mail'}")


@click.group()
def admin() -> None:
    """The installation's administrators."""


@admin.command("create")
@click.argument("username")
@click.pass_obj
def admin_create(obj: Context, username: str) -> None:
    """Create an administrator (the first one, on an empty database); the password is read
    from stdin. Everything else is administered on the web pages or the API."""
    password = read_password()
    with refusals():
        view = obj.services.tenancy.add_user(
            obj.principal, username=username, password=password, role="admin"
        )
    click.echo(f"administrator {view.username}: sign in at /login")


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("import")
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


@click.command("imports")
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


@click.command()
@click.argument("line")
@click.pass_obj
def record(obj: Context, line: str) -> None:
    """Record one event given as a line of the interchange format, e.g. a head's
    report_submitted, a county officer's report_accepted, or an entry_retracted."""
    with refusals():
        result = obj.services.interchange.record_line(obj.principal, parse_line(line))
    click.echo(f"{result.status}: {result.type} {result.entry_id} in {result.township}")


@click.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.pass_obj
def export(obj: Context, township_code: str) -> None:
    """Write a township's events to stdout in the interchange format."""
    with refusals():
        for line in obj.services.interchange.export(obj.principal, township=township_code):
            click.echo(dumps(line))


@click.command()
@click.pass_obj
def demo(obj: Context) -> None:
    """Load the demo county (idempotent) and print what it holds."""
    from sample.load import load_demo

    with refusals():
        summary = load_demo(obj.services, obj.principal)
    for line in summary:
        click.echo(line)


COMMANDS = (init, county, township, user, admin, import_, imports, record, export, demo)
