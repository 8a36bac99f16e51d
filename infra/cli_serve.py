"""``serve``: the web pages with the projection worker beside them. Registered on
``infra.cli.main``."""

from __future__ import annotations

import sys

import click

from infra.cli import Context, main, refusals


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True)
@click.option("--demo", is_flag=True, help="Load the demo county first and say who can log in.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, workers: int, demo: bool) -> None:
    """Serve the web pages (gunicorn), with the projection worker beside them."""
    from infra.serving import Serving, serve

    serving = Serving(host=host, port=port, workers=workers)
    with refusals():
        if demo:
            from sample.load import demo_logins, load_demo

            for line in load_demo(obj.services, obj.principal):
                click.echo(line)
            for line in demo_logins(serving.url):
                click.echo(line)
        status = serve(obj.settings, obj.services, serving, click.echo)
    sys.exit(status)
