"""The audit commands of the command line (DOMAIN.md "Audit"): verify, publish, publication,
audit-export. Registered on ``infra.cli.main``."""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import click

from domain.errors import InvalidField
from infra.cli.errors import refusals
from infra.cli.root import Context
from services.audit_export import write


@click.command()
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


@click.command()
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


@click.command()
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


@click.command("audit-export")
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


BECAUSE = {
    ("entries",): "entries recorded or retracted since",
    ("indicators",): "the indicators (weights) changed since",
    ("entries", "indicators"): "entries recorded or retracted, and the indicators changed, since",
}


def restatement_lines(notice: dict) -> list[str]:
    """A restatement notice, as ``ranking`` prints it under today's ranking: the ranks that
    changed, why, the entries' counts and the first of them (``ranking --json --all`` lists
    every one)."""
    why = BECAUSE.get(tuple(notice["because"]), "changes since")
    lines = [
        f"restatement: {why} the ranking published on {notice['published_at']}"
        f" (publication {notice['publication']}) changed these ranks:"
    ]
    for row in notice["changed"]:
        lines.append(
            f"  {row['township']}: rank {row['published_rank'] or '-'} -> {row['rank'] or '-'}"
            f" (score {row['published_score']} -> {row['score']})"
        )
    if "indicators" in notice["because"]:
        weights = ", ".join(f"{i['figure']} {i['weight']}" for i in notice["published_indicators"])
        lines.append(f"  indicators when published: {weights}")
    counts = notice["counts"]
    if counts["recorded"] or counts["retracted"]:
        lines.append(
            f"  since the publication: {counts['recorded']} recorded,"
            f" {counts['retracted']} retracted, counting in this period"
        )
    for entry in notice["entries"]:
        lines.append(
            f"  {entry['township']} {entry['entry_id']} {entry['type']} of {entry['occurred_on']},"
            f" {entry['why']} (at {entry['recorded_at']} by {entry['recorded_by']})"
        )
    more = counts["recorded"] + counts["retracted"] - len(notice["entries"])
    if more > 0:
        lines.append(f"  … and {more} more (ranking --json --all lists every one)")
    return lines


@click.command()
@click.option("--township", "township_code", metavar="CODE")
@click.option("--county", "county_code", metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--as-of", required=True, metavar="TIME", help="The moment to compare with today.")
@click.pass_obj
def diff(
    obj: Context, township_code: str | None, county_code: str | None, period: str, as_of: str
) -> None:
    """A township's figures (--township) or a county's ranking (--county) as of a moment
    beside today's: what changed, and every entry recorded or retracted since (JSON, for a
    file: the API's difference names the first and pages the rest)."""
    differences = obj.services.differences
    with refusals():
        if county_code is not None:
            found = differences.ranking_since(
                obj.principal, county=county_code, period=period, as_of=as_of, first=None
            )
        elif township_code is not None:
            found = differences.figures_since(
                obj.principal, township=township_code, period=period, as_of=as_of, first=None
            )
        else:
            raise InvalidField("township", "export.needs_scope")
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@click.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--entry", "entry_id", metavar="ID", help="One entry's events.")
@click.option("--from", "since", metavar="TIME", help="Everything recorded from then…")
@click.option("--to", "until", metavar="TIME", help="…up to then (default: now).")
@click.pass_obj
def history(
    obj: Context,
    township_code: str,
    entry_id: str | None,
    since: str | None,
    until: str | None,
) -> None:
    """An entry's events (--entry), or what was recorded in a time window (--from/--to), with
    late events marked (JSON)."""
    with refusals():
        if entry_id is not None:
            found: Any = obj.services.history.entry(
                obj.principal, township=township_code, entry_id=entry_id
            )
        else:
            found = obj.services.history.stream(
                obj.principal, township=township_code, since=since, until=until
            )
    click.echo(json.dumps(found, ensure_ascii=False, indent=2))


@click.command("audit-log")
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.pass_obj
def audit_log(obj: Context, county_code: str) -> None:
    """Who looked at what in the county: auditors' exports, verifications, histories and
    queries as of a moment, oldest first (one a line: when, who, what, of what)."""
    with refusals():
        looks = obj.services.trail.looks(obj.principal, county=county_code)
    for look in looks:
        click.echo(f"{look['at']}\t{look['actor']}\t{look['action']}\t{look['subject']}")


COMMANDS = (verify, publish, publication, audit_export, diff, history, audit_log)
