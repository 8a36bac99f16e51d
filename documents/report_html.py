"""The annual report as a standalone HTML page (no external assets)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from documents.official import signature_indents
from projections.report import Figure, Report, source_rows


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.tests["figure"] = lambda part: isinstance(part, Figure)
    return environment


def render_html(report: Report) -> str:
    """The report as an HTML5 page laid out like the printed document; every number of the
    body is a ``<span class="figure" data-figure="NAME">``."""
    template = _environment().get_template("report.html")
    return template.render(
        report=report,
        rows=list(zip(source_rows(report.annex), report.annex.sources, strict=True)),
        indents=signature_indents(report.signature),
    )
