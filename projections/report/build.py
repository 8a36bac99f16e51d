"""Building the annual report of a township from its figures document and its own words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, tzinfo
from typing import Any

from projections.report.annex import build_annex
from projections.report.claims import cautions
from projections.report.model import Paragraph, Report, Section, Signature, issuer
from projections.report.phrasing import numeral, para, text_paragraphs
from projections.report.reading import Reader
from projections.report.themes import HEADINGS, THEMES


def build_report(
    *,
    township: str,
    township_name: str,
    year: int,
    figures: Mapping[str, Any],
    narrative: Mapping[str, Any] | None,
    sources: Mapping[str, Sequence[str]],
    issued_on: date,
    zone: tzinfo | None = None,
) -> Report:
    """The annual report of ``township`` for ``year``.

    ``figures`` is the year's figures document; ``narrative`` the township's own words:
    ``problems`` and ``next_steps`` (二、 and 三、), and ``themes``, the head's paragraph for
    themes of 一、 by theme code (each text; one paragraph a line). ``sources`` gives the ids
    of the entries behind each count figure, for the annex. ``issued_on``: the date of issue
    of the 落款 (the caller's: the day of submission, or of writing); ``zone``: the
    installation's time zone, in which the annex states the moment of the figures. The
    report's ``cautions``: the township's own sentences that claim more than the figures. Raises
    ValueError when the figures belong to another township or period, or lack a figure of the
    public contract.
    """
    _check(township, township_name, year, figures)
    reader = Reader(figures, township_name)
    sections, own_words = _sections(reader, narrative or {})
    opening = _opening(year, township_name)
    as_of = str(figures.get("as_of") or "")
    body = [*opening.figures(), *(f for s in sections for f in s.figures())]
    return Report(
        title=f"{township_name}{year}年法治政府建设工作情况报告",
        township=township,
        township_name=township_name,
        year=year,
        as_of=as_of,
        opening=opening,
        sections=sections,
        signature=Signature(issuer(township_name), issued_on),
        annex=build_annex(
            body, sources, township_name=township_name, year=year, as_of=as_of, zone=zone
        ),
        cautions=cautions(own_words, reader),
    )


def _sections(
    reader: Reader, narrative: Mapping[str, Any]
) -> tuple[tuple[Section, ...], list[Paragraph]]:
    """The parts 一、二、三、 (those with something to say, numbered in turn), and the
    township's own paragraphs among them."""
    own = narrative.get("themes") or {}
    words = {code: text_paragraphs(own.get(code)) for code in THEMES}
    themes = [(code, THEMES[code](reader) + words[code]) for code in THEMES]
    themes = [(code, paragraphs) for code, paragraphs in themes if paragraphs]
    work = tuple(
        Section(f"（{numeral(n)}）{HEADINGS[code]}", paragraphs, code=code)
        for n, (code, paragraphs) in enumerate(themes, 1)
    )
    problems = text_paragraphs(narrative.get("problems"))
    next_steps = text_paragraphs(narrative.get("next_steps"))
    parts = [
        ("工作开展情况", (), work),
        ("存在的问题", problems, ()),
        ("下一步打算", next_steps, ()),
    ]
    parts = [part for part in parts if part[1] or part[2]]
    sections = tuple(
        Section(f"{numeral(n)}、{heading}", paragraphs, subsections)
        for n, (heading, paragraphs, subsections) in enumerate(parts, 1)
    )
    return sections, [p for code in THEMES for p in words[code]] + [*problems, *next_steps]


def _check(township: str, township_name: str, year: int, figures: Mapping[str, Any]) -> None:
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError("year must be an int")
    if not township_name or not township_name.strip():
        raise ValueError("township_name must not be empty")
    if figures.get("township") not in (None, township):
        raise ValueError(f"figures are for township {figures.get('township')!r}, not {township!r}")
    if figures.get("period") not in (None, str(year)):
        raise ValueError(f"figures are for period {figures.get('period')!r}, not {year}")


def _opening(year: int, township_name: str) -> Paragraph:
    return para(
        f"{year}年，{township_name}深入学习贯彻习近平法治思想，把法治要求贯穿于依法决策、"
        "严格执法、普法宣传和矛盾纠纷化解等各项工作，推动法治政府建设各项任务落地见效。"
        "现将全年工作情况报告如下。"
    )
