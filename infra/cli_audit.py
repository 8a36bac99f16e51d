"""The audit commands of the command line (DOMAIN.md "Audit"): verify, publish, publication,
audit-export. Registered on ``infra.cli.main``."""

from __future__ import annotations

import hashlib
import json
import sys

import click

from infra.cli import Context, main, refusals
from services.audit_export import write


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


@main.command()
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--json", "as_json", is_flag=True, help="The receipt as one JSON object.")
@click.pass_obj
def publish(obj: Context, county_code: str, period: str, as_json: bool) -> None:
    """Publish the county's ranking for a period: frozen, with its SHA-256 (keep it)."""
    with refusals():
        receipt = obj.services.publications.publish_ranking(
            obj.principal, county=county_code, period=period
        )
    if as_json:
        click.echo(json.dumps(receipt.as_dict()))
        return
    click.echo(
        f"publication {receipt.id}\nsha256 {receipt.sha256}\n"
        f"position {receipt.position}\npublished_at {receipt.published_at}"
    )


@main.command()
@click.argument("publication_id", metavar="ID")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.pass_obj
def publication(obj: Context, publication_id: str, output: str) -> None:
    """Write a publication's bytes, exactly as they were published, to a file."""
    with refusals():
        data = obj.services.publications.publication(obj.principal, publication_id=publication_id)
    with open(output, "wb") as out:
        out.write(data)
    click.echo(f"{output}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")


@main.command("audit-export")
@click.option("--township", "township_code", metavar="CODE")
@click.option("--county", "county_code", metavar="CODE", help="Every township of the county.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.pass_obj
def audit_export(
    obj: Context, township_code: str | None, county_code: str | None, output: str
) -> None:
    """Write the events with their hashes, the chains' links and the publications' anchors
    (JSON Lines; check it with tools/verify_export.py). Prints the file's SHA-256: keep it."""
    exporter = obj.services.audit_export
    with refusals():
        townships = exporter.townships(obj.principal, township=township_code, county=county_code)
        with open(output, "wb") as out:
            count, digest = write(exporter.lines(townships), out)
    click.echo(f"{output}: {count} records, sha256 {digest}")


def restatement_lines(notice: dict) -> list[str]:
    """A restatement notice, as ``ranking`` prints it under today's ranking."""
    lines = [
        f"restatement: ranks published on {notice['published_at']}"
        f" (publication {notice['publication']}) have changed:"
    ]
    for row in notice["changed"]:
        lines.append(
            f"  {row['township']}: rank {row['published_rank'] or '-'} -> {row['rank'] or '-'}"
            f" (score {row['published_score']} -> {row['score']})"
        )
    lines.append("  because of:")
    for entry in notice["entries"]:
        lines.append(
            f"  {entry['township']} {entry['entry_id']} {entry['type']} of {entry['occurred_on']},"
            f" {entry['why']} (at {entry['recorded_at']} by {entry['recorded_by']})"
        )
    return lines
