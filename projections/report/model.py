"""The annual report as a document: sections of paragraphs whose numbers are figures, the
落款 (who issues it, and when), and an annex that says where each figure comes from.
Renderings (HTML, DOCX) live in ``documents``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Figure:
    """A number as the report writes it, with the name of its figure in the figures document
    (``disputes.registered``, ``rates.mediation_success`` …)."""

    path: str
    value: int | float | None
    text: str


Part = str | Figure


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Part, ...]

    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    def figures(self) -> Iterator[Figure]:
        for part in self.parts:
            if isinstance(part, Figure):
                yield part


@dataclass(frozen=True)
class Section:
    """A part of the report (一、…) or a theme of its first part (（一）…). ``code`` names a
    theme (the key of the head's own paragraph in the narrative); parts have none."""

    heading: str
    paragraphs: tuple[Paragraph, ...]
    subsections: tuple[Section, ...] = ()
    code: str = ""

    def figures(self) -> Iterator[Figure]:
        for paragraph in self.paragraphs:
            yield from paragraph.figures()
        for subsection in self.subsections:
            yield from subsection.figures()

    def lines(self) -> Iterator[str]:
        yield self.heading
        for paragraph in self.paragraphs:
            yield paragraph.text()
        for subsection in self.subsections:
            yield from subsection.lines()


@dataclass(frozen=True)
class Signature:
    """The 落款: the township's people's government (a 街道's office) and the date of issue."""

    issuer: str
    issued_on: date

    def lines(self) -> tuple[str, str]:
        return (self.issuer, day(self.issued_on))


def day(value: date) -> str:
    """A day as a Chinese document writes it: 2025年1月10日."""
    return f"{value.year}年{value.month}月{value.day}日"


def issuer(township_name: str) -> str:
    """Who issues a township's report: 巩留镇 → 巩留镇人民政府, 红星乡 → 红星乡人民政府, a
    街道 → its 街道办事处 (a 街道 has an office of the county's government, not a government)."""
    name = township_name.strip()
    return f"{name}办事处" if name.endswith("街道") else f"{name}人民政府"


@dataclass(frozen=True)
class Caution:
    """A sentence of the township's own words (``said``) and what the figures say of it."""

    said: str
    figures: str


@dataclass(frozen=True)
class Source:
    """One row of the annex: a figure of the report, its value as written, the entries behind
    it (for a rate: behind its numerator, out of those behind its denominator), and where the
    township's pages show them (``where``; the entries' ids when few)."""

    label: str
    path: str
    text: str
    entries: int
    of_entries: int | None = None
    entry_ids: tuple[str, ...] = ()
    where: str = ""
    # Of the entries behind it (for a rate: behind its denominator), those carrying evidence
    # (a file not retracted: minutes, a sign-in sheet, a photo).
    with_evidence: int = 0


@dataclass(frozen=True)
class Annex:
    heading: str
    paragraphs: tuple[Paragraph, ...]
    columns: tuple[str, ...]
    sources: tuple[Source, ...]

    def lines(self) -> Iterator[str]:
        yield self.heading
        for paragraph in self.paragraphs:
            yield paragraph.text()


@dataclass(frozen=True)
class Report:
    title: str
    township: str
    township_name: str
    year: int
    as_of: str
    opening: Paragraph
    sections: tuple[Section, ...]
    signature: Signature
    annex: Annex
    # The township's own sentences that claim more than its figures (projections/report/
    # claims.py): for the head to see before signing; not part of the document.
    cautions: tuple[Caution, ...] = ()

    def figures(self) -> Iterator[Figure]:
        """Every Figure of the report's body, in reading order."""
        yield from self.opening.figures()
        for section in self.sections:
            yield from section.figures()

    def body(self) -> str:
        """The title, the opening and the parts, one line per heading or paragraph."""
        lines = [self.title, self.opening.text()]
        for section in self.sections:
            lines.extend(section.lines())
        return "\n".join(lines) + "\n"

    def text(self) -> str:
        """The whole report as plain text: the body, the 落款, then the annex (one line per
        row)."""
        rows = ("\t".join(row) for row in source_rows(self.annex))
        lines = [*self.signature.lines(), *self.annex.lines(), *rows]
        return self.body() + "\n".join(lines) + "\n"


def source_rows(annex: Annex) -> Iterator[tuple[str, ...]]:
    """The annex table as text cells, in the order of ``annex.columns``."""
    for number, source in enumerate(annex.sources, 1):
        entries = str(source.entries)
        if source.of_entries is not None:
            entries = f"{source.entries}/{source.of_entries}"
        where = source.where
        if source.entry_ids:
            where += "；记录编号：" + "、".join(source.entry_ids)
        yield (str(number), source.label, source.text, entries, str(source.with_evidence), where)
