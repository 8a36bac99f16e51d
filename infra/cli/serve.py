"""``serve``: the web pages with the projection worker beside them. Registered on
``infra.cli.main``."""

from __future__ import annotations

import dataclasses
import os
import sys

import click

from infra.cli.errors import refusals
from infra.cli.root import Context

FIRST_RUN = (
    "nobody can sign in yet: create the first administrator with"
    " `township-ledger admin create USERNAME` (the password on stdin), then sign in and add"
    " counties, townships and people on the pages"
)


@click.command()
@click.option("--host", help="Address to listen on  [default: LEDGER_BIND's, or 127.0.0.1]")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="Port to listen on  [default: LEDGER_BIND's, or 8000]",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="gunicorn's worker processes  [default: LEDGER_WORKERS, or 2]",
)
@click.option("--demo", is_flag=True, help="Load the demo county first and say who can log in.")
@click.option(
    "--projector/--no-projector",
    default=True,
    show_default=True,
    help="Follow the log here as the projection worker; --no-projector when projection"
    " workers run apart (project --follow), as with several web processes or hosts.",
)
@click.pass_obj
def serve(
    obj: Context,
    host: str | None,
    port: int | None,
    workers: int | None,
    demo: bool,
    projector: bool,
) -> None:
    """Serve the web pages (gunicorn), with the projection worker beside them. SIGTERM stops
    it gracefully: the requests in flight are answered first."""
    from infra.serving import Serving, serve

    serving = Serving(host=host, port=port, workers=workers, projector=projector)
    settings = obj.settings
    if demo and not os.environ.get("LEDGER_TWO_FACTOR"):
        # The demo's people sign in with the password alone, unless asked otherwise.
        settings = dataclasses.replace(settings, two_factor="optional")
    with refusals():
        if demo:
            from sample.load import demo_logins, load_demo

            for line in load_demo(obj.services, obj.principal):
                click.echo(line)
            for line in demo_logins(serving.url):
                click.echo(line)
        first_run = not demo and not obj.services.tenancy.has_users()
        status = serve(
            settings,
            obj.services,
            serving,
            click.echo,
            # said once the settings are good: a bad one is the only line then
            checked=lambda: click.echo(FIRST_RUN, err=True) if first_run else None,
        )
    sys.exit(status)


COMMANDS = (serve,)
