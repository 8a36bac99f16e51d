"""The reporting commands of the command line: figures, trace, ranking, indicators, report,
and project (keeping the read model current). Registered on ``infra.cli.main``."""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click

from domain.errors import LedgerError
from infra.cli.errors import refusals
from infra.cli.root import Context
from infra.outages import unavailable
from projections.runner import PIPELINE_PAGES, PROJECTION_PAGE_EVENTS
from services.differences import FIRST_ENTRIES


@click.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option(
    "--as-of",
    metavar="TIME",
    help="Only what had been recorded by then (ISO; without an offset: local time).",
)
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


@click.command()
@click.option("--township", "township_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--figure", required=True, metavar="NAME", help="e.g. disputes.resolved")
@click.option("--as-of", metavar="TIME")
@click.pass_obj
def trace(obj: Context, township_code: str, period: str, figure: str, as_of: str | None) -> None:
    """The entry ids behind one figure, one per line; on stderr, how many carry evidence."""
    with refusals():
        found = obj.services.figures.traced(
            obj.principal, township=township_code, period=period, figure=figure, as_of=as_of
        )
    for entry_id in found.entries:
        click.echo(entry_id)
    click.echo(
        f"{len(found.with_evidence)} of {len(found.entries)} entries carry evidence", err=True
    )


@click.command()
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.option("--period", required=True, metavar="2024|2024-Q1|2024-03")
@click.option("--as-of", metavar="TIME")
@click.option("--group", metavar="NAME", help="Rank this peer group's townships alone.")
@click.option("--json", "as_json", is_flag=True)
@click.option(
    "--all", "every", is_flag=True, help="Every entry of a restatement notice (for a file)."
)
@click.pass_obj
def ranking(
    obj: Context,
    county_code: str,
    period: str,
    as_of: str | None,
    group: str | None,
    as_json: bool,
    every: bool,
) -> None:
    """The county's townships ranked by score (each with its peer group's rank within it)."""
    with refusals():
        doc = obj.services.rankings.ranking(
            obj.principal,
            county=county_code,
            period=period,
            as_of=as_of,
            with_flags=True,
            group=group,
            with_groups=True,
        )
        # Today's overall ranking says when a published rank has changed since, and why.
        notice = None
        if as_of is None and group is None:
            notice = obj.services.publications.restatement(
                obj.principal,
                county=county_code,
                period=period,
                today=doc,
                first=None if every else FIRST_ENTRIES,
            )
    if as_json:
        shown = {**doc, "restatement": notice} if notice else doc
        return _echo_json(shown)
    click.echo(f"{doc['county']} {doc['period']} as of {doc['as_of']}; {doc['formula']}")
    if "group" in doc:
        click.echo(f"  peer group {doc['group']}")
    for ind in doc["weights"]:
        click.echo(f"  {ind['figure']} ({ind['direction']} is better) weight {ind['weight']}")
    for row in doc["townships"]:
        shown = "no data" if row["score"] is None else f"{row['score']:.2f}"
        flags = f"  flags: {', '.join(row['flags'])}" if row.get("flags") else ""
        if row.get("group"):
            flags += f"  group {row['group']}: rank {row['group_rank'] or '-'}"
        click.echo(f"{row['rank'] or '-':>3}  {shown:>7}  {row['township']} {row['name']}{flags}")
    if notice:
        from infra.cli.audit import restatement_lines

        for text in restatement_lines(notice):
            click.echo(text)


@click.command("indicators")
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.pass_obj
def indicators(obj: Context, county_code: str, file: Any) -> None:
    """Set the county's ranking indicators from a JSON list of {figure, direction, weight}."""
    with refusals():
        try:
            given = json.load(file)
        except json.JSONDecodeError as error:
            raise LedgerError(
                "indicators.not_json", field="indicators", detail=str(error)
            ) from None
        chosen = obj.services.rankings.set_indicators(
            obj.principal, county=county_code, indicators=given
        )
    click.echo(json.dumps(chosen, ensure_ascii=False))


@click.command("groups")
@click.option("--county", "county_code", required=True, metavar="CODE")
@click.argument("file", type=click.File("r", encoding="utf-8"), required=False)
@click.pass_obj
def groups(obj: Context, county_code: str, file: Any) -> None:
    """The county's peer groups as JSON; with FILE, set them all from a JSON list of
    {name, townships, indicators?} (an empty list ends them)."""
    with refusals():
        if file is None:
            found = obj.services.rankings.groups(obj.principal, county=county_code)
        else:
            try:
                given = json.load(file)
            except json.JSONDecodeError as error:
                raise LedgerError(
                    "indicators.not_json", field="groups", detail=str(error)
                ) from None
            found = obj.services.rankings.set_groups(
                obj.principal, county=county_code, groups=given
            )
    click.echo(json.dumps(found, ensure_ascii=False))


@click.command()
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


@click.command()
@click.option(
    "--follow",
    is_flag=True,
    help="Keep following the log until interrupted or sent SIGTERM (the projection worker;"
    " of several on one database one projects, the others stand by).",
)
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
    stop = threading.Event()
    if follow:  # the projection worker
        from infra.observability import start_logging

        start_logging(obj.settings)
        # SIGTERM (an operator, systemd, a container's stop): end after the page being stored.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if rebuild or not follow:  # a follower projects only while it leads (in ``follow``)
        position = read_model.rebuild() if rebuild else read_model.refresh()
        click.echo(f"projected up to {position}")
    if follow:
        click.echo(f"following the log from position {read_model.position()}")
        # Trusted timestamps, while this worker leads
        stamping = obj.services.stamp_in_background(stop)
        mailing = obj.services.mail_in_background(stop)  # notifications by e-mail, likewise
        try:
            read_model.follow(stop, interval=interval, outage=unavailable)
        except KeyboardInterrupt:
            stop.set()
        finally:
            stop.set()
            if stamping is not None:  # it ends after the request in flight
                stamping.join(timeout=obj.settings.tsa_timeout + 5)
            if mailing is not None:
                mailing.join(timeout=35)


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


COMMANDS = (figures, trace, ranking, indicators, groups, report, project)
