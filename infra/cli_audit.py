"""The audit commands of the command line (DOMAIN.md "Audit"): verify, publish, publication,
audit-export. Registered on ``infra.cli.main``."""

from __future__ import annotations

import sys

import click

from infra.cli import Context, main, refusals


@main.command()
@click.option("--township", "township_code", metavar="CODE", help="Only this township.")
@click.pass_obj
def verify(obj: Context, township_code: str | None) -> None:
    """Check the hash chains, the publications' anchors, and the read model against a replay.
    Exits 1 naming the first record that does not match."""
    with refusals():
        result = obj.services.verifier.verify(obj.principal, township=township_code)
    if not result.ok:
        click.echo(f"verify: {result.summary()}", err=True)
        sys.exit(1)
    click.echo(result.summary())
