"""The annual report of a township (DOMAIN.md "The annual report") as a document model.

- ``model``: the document — sections of paragraphs whose numbers are Figures (each names its
  figure in the figures document), and the annex 数据来源;
- ``phrasing``: how the report writes percentages, numbers, series, points 一是…二是…, times;
- ``reading``: the figures document read into Figures;
- ``themes``: the themes of 一、工作开展情况, each built from the figures;
- ``annex``: every figure of the body with the entries behind it;
- ``build``: the whole report, from the figures and the township's own words.

Rendering (HTML, DOCX) is presentation: see the ``documents`` package.
"""

from projections.report.build import build_report
from projections.report.model import Annex, Figure, Paragraph, Report, Section, Source, source_rows
from projections.report.themes import HEADINGS, THEMES

__all__ = [
    "HEADINGS",
    "THEMES",
    "Annex",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "Source",
    "build_report",
    "source_rows",
]
