"""A township's figures for a period, and the entries behind any one of them.

``as_of`` limits the answer to what had been recorded by that moment (now when not given).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple, NotRequired, TypedDict

from domain import values
from domain.access import Principal
from domain.figure_names import traced_count
from domain.moments import parse_moment, stamp
from domain.report import REPORT_TYPES, FollowUp, Recorded, ReportSubmission, report_status
from projections.entries import EntrySummary, Filters, select
from projections.figures import EntryState, counts_for, document, figure_sources, laws_studied
from projections.periods import Period
from services.paging import after, checked_limit
from services.read_model import ReadModel
from services.tenancy import Tenancy, TownshipView
from services.trail import Trail

SUBMITTED = ReportSubmission.Submitted.TYPE

TRACE_PAGE, TRACE_MOST = 1_000, 2_000  # ids a page: 128 characters at most each


class FiguresDocument(TypedDict):
    """The figures document of DOMAIN.md "The public contract": every figure present (0 when
    none), grouped as their names are (``disputes.resolved`` → ``doc["disputes"]["resolved"]``);
    each rate as ``{numerator, denominator, value}``; for a year, where its report stands."""

    township: str
    period: str
    as_of: str
    sessions: dict[str, Any]
    meetings: dict[str, Any]
    decisions: dict[str, Any]
    inspections: int
    issues: dict[str, Any]
    disputes: dict[str, Any]
    hotline: dict[str, Any]
    roster: dict[str, Any]
    rates: dict[str, dict[str, Any]]
    report: NotRequired[dict[str, Any]]


class Traced(NamedTuple):
    entries: list[str]  # behind the figure
    with_evidence: list[str]  # of those, the ones that carry evidence


class Snapshot(NamedTuple):
    """A township's entries as they stood at a moment, for a period."""

    township: TownshipView
    period: Period
    as_of: datetime
    entries: list[EntryState]


class Dashboard(NamedTuple):
    """What the township's first page shows: the township, the period (the latest year with
    anything recorded unless one was asked for), its figures, and its open issues."""

    place: TownshipView
    period: str
    figures: FiguresDocument
    open_issues: list[EntrySummary]


class Figures:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel, trail: Trail | None = None) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.trail = trail  # records auditors' queries as of a moment

    def figures(
        self, principal: Principal, *, township: str, period: str, as_of: Any = None
    ) -> FiguresDocument:
        """The township's figures for ``period`` (2024, 2024-Q1, 2024-03)."""
        return self.document(
            self.snapshot(principal, township=township, period=period, as_of=as_of)
        )

    def figures_of(self, place: TownshipView, period: Period) -> FiguresDocument:
        """``figures`` of now of a township resolved already (the read model brought up to
        date)."""
        return self.document(self.now_of(place, period))

    def now_of(self, place: TownshipView, period: Period) -> Snapshot:
        """``snapshot`` of now of a township resolved already (the read model brought up to
        date): its entries as they stand."""
        return Snapshot(
            place, period, datetime.now(UTC), self.read_model.current_entries(place.code)
        )

    def dashboard(
        self, principal: Principal, *, township: str, period: str | None = None
    ) -> Dashboard:
        """The township's first page, from one reading of its entries as they stand now (its
        figures and its open issues both come from it)."""
        place = self.tenancy.township(principal, township)
        self.read_model.before_read()
        return self.dashboard_of(place, period)

    def dashboard_of(self, place: TownshipView, period: str | None) -> Dashboard:
        """``dashboard`` of a township resolved already (the read model brought up to date)."""
        now = datetime.now(UTC)
        states = self.read_model.current_entries(place.code)
        span = Period.parse(period) if period else Period.parse(str(latest_year(states)))
        figures = self.document(Snapshot(place, span, now, states))
        issues = select(states, Filters(type="issue_found", open=True), now)
        issues.sort(key=lambda s: (not s.overdue, s.deadline or ""))
        return Dashboard(place, span.key, figures, issues)

    def trace(
        self, principal: Principal, *, township: str, period: str, figure: str, as_of: Any = None
    ) -> list[str]:
        """The ids of the entries behind a figure, sorted (for a rate: behind its numerator,
        or its denominator when ``figure`` ends in ``.denominator``)."""
        return self.traced(
            principal, township=township, period=period, figure=figure, as_of=as_of
        ).entries

    def traced(
        self, principal: Principal, *, township: str, period: str, figure: str, as_of: Any = None
    ) -> Traced:
        """As ``trace``, with the entries among them that carry evidence (a file not
        retracted) as of the moment."""
        found = self.snapshot(principal, township=township, period=period, as_of=as_of)
        behind = set(
            figure_sources(found.entries, found.period, found.as_of).get(traced_count(figure), ())
        )
        carrying = [s.entry_id for s in found.entries if s.carries_evidence]
        return Traced(sorted(behind), sorted(behind.intersection(carrying)))

    def trace_page(
        self, principal: Principal, *, cursor: Any = None, limit: int = TRACE_PAGE, **asked: Any
    ) -> dict[str, Any]:
        """``trace``'s ids, ``limit`` of them after ``cursor`` (an id count ``next_cursor``
        gave): ``{"entries", "total", "next_cursor", "with_evidence"}`` (the command line
        prints them all; ``with_evidence``: how many of them all carry evidence)."""
        start, size = after(cursor), checked_limit(limit, TRACE_MOST)
        found = self.traced(principal, **asked)
        ids, end = found.entries, start + size
        following = str(end) if end < len(ids) else None
        return {
            "entries": ids[start:end],
            "total": len(ids),
            "next_cursor": following,
            "with_evidence": len(found.with_evidence),
        }

    def snapshot(self, principal: Principal, *, township: str, period: str, as_of: Any) -> Snapshot:
        """The township, the period, the moment, and the township's entries as they stood
        then: for a year, its whole history (the year's report is submitted and answered
        after the year); for a quarter or month, the entries up to the period's end."""
        place = self.tenancy.township(principal, township)
        span = Period.parse(period)
        moment = parse_moment(as_of) or datetime.now(UTC)
        if as_of is not None and self.trail is not None:
            action = f"figures of {span.key} as of {stamp(moment)}"
            self.trail.note_township(principal, township=place.code, action=action)
        self.read_model.before_read()
        if as_of is None:  # now: the entries as they stand, kept between pages
            return Snapshot(place, span, moment, self.read_model.current_entries(place.code))
        until = None if is_year(span) else span.end
        return Snapshot(
            place, span, moment, self.read_model.entries(place.code, as_of=moment, until=until)
        )

    def document(self, found: Snapshot) -> FiguresDocument:
        span, states = found.period, found.entries
        doc: Any = document(
            counts_for(states, span, found.as_of),
            laws=laws_studied(states, span),
            township=found.township.code,
            period=span.key,
            as_of=stamp(found.as_of),
        )
        if is_year(span):
            year = int(span.key)
            doc["report"] = report_status(report_entries(states, year), year).document()
        return doc


def latest_year(states: Iterable[EntryState]) -> int:
    """The latest year, up to this one, of an entry not retracted (this year when none)."""
    this_year = values.today().year
    years = [
        s.occurred_on.year
        for s in states
        if s.retracted_at is None and s.occurred_on.year <= this_year
    ]
    return max(years, default=this_year)


def is_year(span: Period) -> bool:
    return len(span.key) == 4


def report_entries(states: Iterable[EntryState], year: int) -> list[Recorded]:
    """What the rules of a year's report read (domain/report.py): the township's narratives
    and submissions, and the year's entries recorded after its first submission (those after
    its acceptance are late amendments); not the rest of the township's history."""
    states = list(states)
    reports = [s for s in states if s.type in REPORT_TYPES]
    submitted = [
        s.recorded_at for s in reports if s.type == SUBMITTED and s.payload.get("year") == year
    ]
    if not submitted:
        return as_recorded(reports)
    first = min(submitted)
    later = [
        s
        for s in states
        if s.recorded_at > first and s.occurred_on.year == year and s.type not in REPORT_TYPES
    ]
    return as_recorded([*reports, *later])


def as_recorded(states: Iterable[EntryState]) -> list[Recorded]:
    """Entry states as the domain's report rules read them (plain values)."""
    return [
        Recorded(
            s.entry_id,
            s.type,
            s.occurred_on,
            s.recorded_at,
            s.payload,
            retracted=s.retracted_at is not None,
            last_follow_up=_follow_up(s),
        )
        for s in states
    ]


def _follow_up(state: EntryState) -> FollowUp | None:
    if not state.follow_ups:
        return None
    last = state.follow_ups[-1]
    return FollowUp(last.type, last.recorded_at, last.payload)
