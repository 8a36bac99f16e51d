"""The annual report of a township: its figures for the year and its own words."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from domain.access import Principal
from domain.moments import parse_moment
from domain.moments import zone as installation_zone
from domain.report import latest_narrative
from projections import report as report_model
from projections.figures import figure_sources
from services.figures import Figures, as_recorded

# Where a report stands when the 落款 bears the day it was submitted (one returned is being
# written again: it bears the day it is read).
SUBMITTED = ("submitted", "accepted")


class Reports:
    def __init__(self, figures: Figures, zone: tzinfo | None = None) -> None:
        """``zone``: the installation's (domain/moments.py) unless given."""
        self.figures = figures
        self._zone = zone

    @property
    def zone(self) -> tzinfo:
        return self._zone or installation_zone()

    def report(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> report_model.Report:
        """The township's annual report for ``year`` as of ``as_of`` (now when not given):
        the year's figures, the latest narrative the township wrote for it, and for the
        annex the entries behind each figure. Its date of issue is the day it was submitted,
        or else the day it is made (``as_of``), in the installation's time zone."""
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=as_of)
        figures = self.figures.document(found)
        return report_model.build_report(
            township=found.township.code,
            township_name=found.township.name,
            year=year,
            figures=figures,
            narrative=latest_narrative(as_recorded(found.entries), year),
            sources=figure_sources(found.entries, found.period, found.as_of),
            issued_on=self.issued_on(figures.get("report") or {}, found.as_of),
            zone=self.zone,
        )

    def issued_on(self, status: dict[str, Any], made_at: datetime) -> date:
        """The date of issue: the local day of the submission the report stands on, else the
        local day it is made."""
        moment = made_at
        if status.get("status") in SUBMITTED and status.get("submitted_at"):
            moment = parse_moment(status["submitted_at"], field="submitted_at") or made_at
        return moment.astimezone(self.zone).date()

    def narrative(self, principal: Principal, *, township: str, year: int) -> dict[str, Any]:
        """The township's words for ``year`` as the report uses them (the narrative recorded
        last): its problems, next steps and each theme's paragraph, for the head to edit; empty
        when none was written."""
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=None)
        return latest_narrative(as_recorded(found.entries), year) or {}
