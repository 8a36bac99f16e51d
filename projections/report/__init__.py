"""The annual report of a township (DOMAIN.md "The annual report") as a document model.

- ``model``: the document — sections of paragraphs whose numbers are Figures (each names its
  figure in the figures document), the 落款 (Signature), and the annex 数据来源;
- ``phrasing``: how the report writes percentages, numbers, series, points 一是…二是…, days
  and times;
- ``punctuation``: the township's own paragraphs with Chinese punctuation;
- ``reading``: the figures document read into Figures;
- ``themes``: the themes of 一、工作开展情况, each built from the figures;
- ``annex``: every figure of the body with the entries behind it;
- ``places``: where the township's pages show those entries (the list 台账 and its filters);
- ``build``: the whole report, from the figures and the township's own words.

Rendering (HTML, DOCX) is presentation: see the ``documents`` package.
"""

from projections.report.build import build_report
from projections.report.model import (
    Annex,
    Figure,
    Paragraph,
    Report,
    Section,
    Signature,
    Source,
    source_rows,
)
from projections.report.themes import HEADINGS, THEMES

__all__ = [
    "HEADINGS",
    "THEMES",
    "Annex",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "Signature",
    "Source",
    "build_report",
    "source_rows",
]
