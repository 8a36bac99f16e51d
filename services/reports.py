"""The annual report of a township: its figures for the year and its own words; the head's
narrative and submission, and the rule that a year's report is submitted again only after the
county returned it."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import date, datetime, tzinfo
from typing import Any

from domain import values
from domain.access import Principal
from domain.entry import Entry, check_fields
from domain.errors import NotFound, RuleBroken
from domain.moments import parse_moment
from domain.moments import zone as installation_zone
from domain.report import (
    REPORT_TYPES,
    QuarterSubmission,
    ReportNarrative,
    ReportStatus,
    ReportSubmission,
    check_submission,
    latest_narrative,
    quarter_key,
    report_status,
)
from projections import report as report_model
from projections.figures import figure_sources, fold
from projections.periods import Period
from projections.since import Since
from services.entries import Entries, Recorded, UnitOfWork
from services.figures import Figures, as_recorded, report_entries
from services.tenancy import TownshipView

NARRATIVE = ReportNarrative.Written.TYPE
SUBMITTED = ReportSubmission.Submitted.TYPE
QUARTER_SUBMITTED = QuarterSubmission.Submitted.TYPE
# Where a report stands when the 落款 bears the day it was submitted (one returned is being
# written again: it bears the day it is read).
ISSUED_ON_SUBMISSION = ("submitted", "accepted")


class Reports:
    def __init__(self, figures: Figures, entries: Entries, zone: tzinfo | None = None) -> None:
        """``zone``: the installation's (domain/moments.py) unless given."""
        self.figures = figures
        self.entries = entries
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
        year = values.year("year", year)
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=as_of)
        figures = self.figures.document(found)
        return report_model.build_report(
            township=found.township.code,
            township_name=found.township.name,
            year=year,
            figures=figures,
            narrative=latest_narrative(report_entries(found.entries, year), year),
            sources=figure_sources(found.entries, found.period, found.as_of),
            carrying={s.entry_id for s in found.entries if s.carries_evidence},
            issued_on=self.issued_on(figures.get("report") or {}, found.as_of),
            zone=self.zone,
        )

    def issued_on(self, status: dict[str, Any], made_at: datetime) -> date:
        """The date of issue: the local day of the submission the report stands on, else the
        local day it is made."""
        moment = made_at
        if status.get("status") in ISSUED_ON_SUBMISSION and status.get("submitted_at"):
            moment = parse_moment(status["submitted_at"], field="submitted_at") or made_at
        return moment.astimezone(self.zone).date()

    def status(self, principal: Principal, *, township: str, year: int) -> ReportStatus:
        """Where the township's report of ``year`` stands: its latest submission, the answer,
        and once accepted, the year's entries recorded after it (late amendments). Read from
        the report's own entries and those later ones only, not the township's history (the
        county's reports page asks it for every township)."""
        year = values.year("year", year)
        place = self.figures.tenancy.township(principal, township)
        self.figures.read_model.before_read()
        return self.status_of(place, year)

    def status_of(self, place: TownshipView, year: Any) -> ReportStatus:
        """``status`` of a township resolved already (the read model brought up to date)."""
        year = values.year("year", year)
        read_model = self.figures.read_model
        submitted = read_model.facts_of_type(place.code, SUBMITTED)
        facts = read_model.facts_of_entries([(f.township, f.entry_id) for f in submitted])
        status = report_status(as_recorded(fold(facts).values()), year)
        if status.status != "accepted":
            return status
        since = Since((place.code,), Period.parse(str(year)), moment=status.answered_at)
        late = {
            f.entry_id
            for f in read_model.changes(since)
            if f.type == f.entry_type
            and f.entry_occurred_on.year == year
            and f.type not in REPORT_TYPES
        }
        return replace(status, late_amendments=tuple(sorted(late)))

    def submitted(self, principal: Principal, *, township: str, year: int) -> report_model.Report:
        """The report as the township submitted it last: as of that submission's recording,
        whatever was recorded since (what the county reads before it answers). Not found
        when the year's report was never submitted."""
        status = self.status(principal, township=township, year=year)
        if status.submitted_at is None:
            raise NotFound("report.not_submitted", field="year", township=township, year=year)
        return self.report(principal, township=township, year=year, as_of=status.submitted_at)

    def narrative(self, principal: Principal, *, township: str, year: int) -> dict[str, Any]:
        """The township's words for ``year`` as the report uses them (the narrative recorded
        last): its problems, next steps and each theme's paragraph, for the head to edit; empty
        when none was written."""
        found = self.figures.snapshot(principal, township=township, period=str(year), as_of=None)
        return latest_narrative(report_entries(found.entries, year), year) or {}

    def write_narrative(
        self, principal: Principal, *, township: str, year: Any, fields: dict[str, Any]
    ) -> Recorded | None:
        """Record the head's words for ``year``; None, recording nothing, when they are the
        words the report already uses."""
        given = {**fields, "year": year}
        clean = check_fields(ReportNarrative.Written.FIELDS, given)
        place = self.figures.tenancy.township(principal, township)
        words = {k: v for k, v in clean.items() if k != "year" and v is not None}
        if words == self.narrative(principal, township=place.code, year=clean["year"]):
            return None
        entry_id = f"RN-{clean['year']}-{values.today().isoformat()}-{_serial()}"
        return self._record(principal, place.code, NARRATIVE, entry_id, given)

    def submit(self, principal: Principal, *, township: str, year: Any) -> Recorded:
        """The head submits the year's report (refused while it waits for the county's
        answer, or once accepted)."""
        return self._record(
            principal, township, SUBMITTED, f"RS-{year}-{_serial()}", {"year": year}
        )

    def submit_quarter(
        self, principal: Principal, *, township: str, year: Any, quarter: Any
    ) -> Recorded:
        """The head submits a quarter's record (报送季度台账): refused while a submission of
        the quarter stands (not retracted)."""
        entry_id = f"QS-{year}-Q{quarter}-{_serial()}"
        fields = {"year": year, "quarter": quarter}
        return self._record(principal, township, QUARTER_SUBMITTED, entry_id, fields)

    def _record(self, principal, township, type_, entry_id, fields) -> Recorded:
        return self.entries.record(
            principal,
            township=township,
            type=type_,
            entry_id=entry_id,
            occurred_on=values.today(),
            fields=fields,
        )

    def check_new(self, uow: UnitOfWork, entry: Entry) -> None:
        """A new submission of a year's report: refused while the year's latest submission
        waits for the county's answer, or once it was accepted; of a quarter's record: refused
        while one of that quarter stands. Judged on what the ledger holds (the read model
        brought up to the last event recorded) and what the same command or import has staged
        before it (which wins)."""
        if isinstance(entry, ReportSubmission):
            kept, staged = self._known(uow, entry, SUBMITTED, ReportSubmission)
            reports = {r.entry_id: r for r in as_recorded(kept)}
            reports.update({s.entry_id: s.as_recorded() for s in staged})
            check_submission(reports.values(), entry.year)
        elif isinstance(entry, QuarterSubmission):
            kept, staged = self._known(uow, entry, QUARTER_SUBMITTED, QuarterSubmission)
            quarters = {
                e.entry_id: (e.payload["year"], e.payload["quarter"], e.retracted_at is None)
                for e in kept
            }
            quarters.update({s.entry_id: (s.year, s.quarter, s.retracted is None) for s in staged})
            _check_quarter(quarters, entry)

    def _known(self, uow: UnitOfWork, entry: Entry, type_: str, kind: type) -> tuple[list, list]:
        """The township's entries of ``type_`` as the ledger holds them (folded), and those of
        ``kind`` the same command or import staged."""
        read_model = self.figures.read_model
        read_model.reach(read_model.recorded_position())
        submitted = read_model.facts_of_type(entry.township, type_)
        keys = [(f.township, f.entry_id) for f in submitted]
        staged = [
            s for s in uow.entries.values() if isinstance(s, kind) and s.township == entry.township
        ]
        return list(fold(read_model.facts_of_entries(keys)).values()), staged


def _check_quarter(known: dict[str, tuple[int, int, bool]], entry: QuarterSubmission) -> None:
    """One live submission per township and quarter."""
    for entry_id, (year, quarter, live) in known.items():
        if live and entry_id != entry.entry_id and (year, quarter) == (entry.year, entry.quarter):
            raise RuleBroken(
                "quarter.already_submitted",
                field="quarter",
                period=quarter_key(year, quarter),
                id=entry_id,
            )


def _serial() -> str:
    return secrets.token_hex(3).upper()
