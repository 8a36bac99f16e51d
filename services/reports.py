"""The annual report of a township: its figures for the year and its own words."""

from __future__ import annotations

from typing import Any

from domain.access import Principal
from domain.report import latest_narrative
from projections import report as report_model
from projections.figures import figure_sources
from services.figures import Figures, as_recorded


class Reports:
    def __init__(self, figures: Figures) -> None:
        self.figures = figures

    def report(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> report_model.Report:
        """The township's annual report for ``year`` as of ``as_of`` (now when not given):
        the year's figures, the latest narrative the township wrote for it, and for the
        annex the entries behind each figure."""
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=as_of)
        return report_model.build_report(
            township=found.township.code,
            township_name=found.township.name,
            year=year,
            figures=self.figures.document(found),
            narrative=latest_narrative(as_recorded(found.entries), year),
            sources=figure_sources(found.entries, found.period, found.as_of),
        )

    def narrative(self, principal: Principal, *, township: str, year: int) -> dict[str, Any]:
        """The township's words for ``year`` as the report uses them (the narrative recorded
        last): its problems, next steps and each theme's paragraph, for the head to edit; empty
        when none was written."""
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=None)
        return latest_narrative(as_recorded(found.entries), year) or {}
