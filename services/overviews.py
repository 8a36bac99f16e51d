"""What a page shows, in one call: the township's dashboard, trends and annual report; the
county's ranking, its page of one township, its indicators, peer groups, completeness,
data-quality rules, its ranking's workbook, its reports and one report's reading page; an
entry's history. Each resolves the principal's township or county once and brings the read
model up to date once (if it reads it), then asks the services that own each part for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from domain import values
from domain.access import Principal
from domain.report import ReportStatus
from projections.entries import EntrySummary
from projections.periods import Period
from projections.report import Report
from services.breakdowns import Breakdowns
from services.browsing import Browsing
from services.calendar import Calendar, NextDue
from services.figures import Figures, FiguresDocument
from services.history import History
from services.publications import Publications
from services.quality import FlagDocument, Quality
from services.rankings import RankingDocument, Rankings
from services.read_model import ReadModel
from services.reports import Reports, narrative_of
from services.tenancy import CountyView, Tenancy, TownshipView
from services.trends import Trends, default_years


@dataclass(frozen=True)
class TownshipDashboard:
    """The township's first page: its figures of ``period`` (the latest year with anything
    recorded unless one was asked for), open issues, data-quality flags, the next report due
    and the quarters of the period's year (each submitted or not, on time or late)."""

    place: TownshipView
    period: str
    figures: FiguresDocument
    open_issues: list[EntrySummary]
    flags: list[FlagDocument]
    due: NextDue | None
    quarters: list[dict[str, Any]]


@dataclass(frozen=True)
class CountyRanking:
    """The county's ranking page: its townships ranked (with their peer groups), the notice
    of ranks changed since the period's publication (None: none), each township's flags."""

    county: CountyView
    ranking: RankingDocument
    restatement: dict[str, Any] | None
    flags: dict[str, list[FlagDocument]]


@dataclass(frozen=True)
class Trend:
    """A township's trends from ``first`` to ``last`` (the years shown)."""

    trends: dict[str, Any]
    first: int
    last: int


@dataclass(frozen=True)
class CountyTownship:
    """The county's page of one township: why it ranks where it does, and its trends."""

    breakdown: dict[str, Any]
    trend: Trend


@dataclass(frozen=True)
class TownshipReport:
    """The township's annual report page: the report of ``year`` as it stands now, where it
    stands (its submission and the county's answer), its timing against the county's calendar,
    and the head's words saved last (empty when none were written)."""

    year: int
    document: Report
    status: ReportStatus
    timing: dict[str, Any]
    narrative: dict[str, Any]


@dataclass(frozen=True)
class CountyIndicators:
    """The county's indicators page: its peer groups, and the indicators a ranking of now
    counts by (the group's own when one was asked for, else the county's)."""

    county: CountyView
    groups: list[dict[str, Any]]
    weights: list[dict[str, Any]]


@dataclass(frozen=True)
class CountyGroups:
    """The county's peer groups page: the groups, and its townships' names by code."""

    county: CountyView
    groups: list[dict[str, Any]]
    names: dict[str, str]


@dataclass(frozen=True)
class CountyCompleteness:
    """Who submitted ``period``'s report and when (``completeness``), each period's the
    same (``record``), and the county's townships' names by code."""

    county: CountyView
    names: dict[str, str]
    period: str
    completeness: dict[str, Any]
    record: list[dict[str, Any]]


@dataclass(frozen=True)
class CountyRules:
    """The county's data-quality rules in force."""

    county: CountyView
    rules: dict[str, Any]


@dataclass(frozen=True)
class CountyWorkbook:
    """The county's ranking of ``period`` (flags and peer groups beside the ranks), and each
    ranked township's figures, in the ranking's order."""

    period: str
    ranking: RankingDocument
    figures: list[FiguresDocument]


@dataclass(frozen=True)
class EntryHistory:
    """An entry's history, and its township's name by code."""

    entry: dict[str, Any]
    names: dict[str, str]


@dataclass(frozen=True)
class CountyReports:
    """The county's reports page of ``year``: each township with where its report stands,
    the year's report publications by township, and who submitted on time by township."""

    rows: list[tuple[TownshipView, ReportStatus]]
    year: str
    published: dict[str, dict[str, Any]]
    timing: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class ReportReading:
    """A township's report of ``year`` as the county reads it: where it stands."""

    place: TownshipView
    year: Any
    status: ReportStatus


class Parts(Protocol):
    """The services that own what the pages show (``services.Services`` has them all)."""

    figures: Figures
    quality: Quality
    calendar: Calendar
    rankings: Rankings
    publications: Publications
    browsing: Browsing
    breakdowns: Breakdowns
    trends: Trends
    history: History
    reports: Reports


class Overviews:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel, parts: Parts) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.parts = parts

    def township_dashboard(
        self, principal: Principal, *, township: str, period: str | None = None
    ) -> TownshipDashboard:
        """The township's dashboard of ``period`` (the latest year with data when None)."""
        place = self.tenancy.township(principal, township)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        parts, now = self.parts, datetime.now(UTC)
        page = parts.figures.dashboard_of(place, period)
        return TownshipDashboard(
            place=page.place,
            period=page.period,
            figures=page.figures,
            open_issues=page.open_issues,
            flags=parts.quality.township_flags_of(place, county, page.period),
            due=parts.calendar.next_due_of(place, county, now),
            quarters=parts.calendar.quarters_of(place, county, int(page.period[:4]), now),
        )

    def county_ranking(
        self, principal: Principal, *, county: str, period: str | None = None
    ) -> CountyRanking:
        """The county's townships ranked for ``period`` (the latest year in which any of them
        counted anything when None), as the county's first page shows them."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        parts = self.parts
        chosen = period or str(parts.browsing.latest_year_of(view.townships))
        doc = parts.rankings.ranked(principal, view, period=chosen, with_groups=True)
        notice = parts.publications.restatement_of(principal, view, period=doc["period"], today=doc)
        quality = parts.quality.quality_of(view, Period.parse(doc["period"]), None)
        flags = {row["township"]: row["flags"] for row in quality["townships"]}
        return CountyRanking(view, doc, notice, flags)

    def county_township(
        self,
        principal: Principal,
        *,
        county: str,
        township: str,
        period: str | None = None,
        first: Any = None,
        last: Any = None,
    ) -> CountyTownship:
        """Why the county's ``township`` ranks where it does in ``period`` (the county's
        latest year with data when None), and its trends from ``first`` to ``last`` (None:
        the period's year and the year before)."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        parts = self.parts
        chosen = period or str(parts.browsing.latest_year_of(view.townships))
        found = parts.breakdowns.breakdown_of(principal, view, township=township, period=chosen)
        place = self.tenancy.township(principal, township)
        first, last = default_years(first, last, int(found["period"][:4]))
        travel = parts.trends.trends_of(place, view, first=first, last=last)
        return CountyTownship(found, Trend(travel, first, last))

    def township_trends(
        self, principal: Principal, *, township: str, first: Any = None, last: Any = None
    ) -> Trend:
        """The township's trends from ``first`` to ``last`` (None: its latest year with data
        and the year before)."""
        place = self.tenancy.township(principal, township)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        parts = self.parts
        shown = parts.browsing.latest_year_of((place.code,))
        first, last = default_years(first, last, shown)
        return Trend(parts.trends.trends_of(place, county, first=first, last=last), first, last)

    def township_report(
        self, principal: Principal, *, township: str, year: Any = None
    ) -> TownshipReport:
        """The township's report page of ``year`` (its latest year with data when None)."""
        place = self.tenancy.township(principal, township)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        parts = self.parts
        if year is None:
            year = parts.browsing.latest_year_of((place.code,))
        shown = values.year("year", year)
        found = parts.figures.now_of(place, Period.parse(str(shown)))
        return TownshipReport(
            shown,
            parts.reports.report_of(found, shown),
            parts.reports.status_of(place, shown),
            parts.calendar.timing_of(place, county, shown, found.as_of),
            narrative_of(found, shown),
        )

    def county_indicators(
        self, principal: Principal, *, county: str, group: str | None = None
    ) -> CountyIndicators:
        """The county's indicators page, of ``group`` (a peer group's own indicators, else
        the county's) or of the county's when None."""
        view = self.tenancy.county(principal, county)
        rankings = self.parts.rankings
        return CountyIndicators(view, rankings.groups_of(view), rankings.indicators_of(view, group))

    def county_groups(self, principal: Principal, *, county: str) -> CountyGroups:
        """The county's peer groups page."""
        view = self.tenancy.county(principal, county)
        return CountyGroups(view, self.parts.rankings.groups_of(view), self._names(view))

    def county_completeness(
        self, principal: Principal, *, county: str, period: str | None = None
    ) -> CountyCompleteness:
        """Who of the county submitted ``period``'s report (a year's or a quarter's; the
        county's latest year with data when None), and its record over every period."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        parts, now = self.parts, datetime.now(UTC)
        chosen = period or str(parts.browsing.latest_year_of(view.townships))
        calendar = parts.calendar
        townships = calendar.townships_at(view, now)  # a later one is not counted
        found = calendar.completeness_of(view, chosen, now, townships)
        record = calendar.record_of(view, now, townships)
        return CountyCompleteness(view, self._names(view), chosen, found, record)

    def county_rules(self, principal: Principal, *, county: str) -> CountyRules:
        """The county's data-quality rules page."""
        view = self.tenancy.county(principal, county)
        return CountyRules(view, self.parts.quality.rules_of(view, None))

    def county_workbook(
        self, principal: Principal, *, county: str, period: str | None = None
    ) -> CountyWorkbook:
        """The county's ranking of ``period`` (its latest year with data when None) and its
        townships' figures, for its workbook."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        parts = self.parts
        chosen = period or str(parts.browsing.latest_year_of(view.townships))
        doc = parts.rankings.ranked(
            principal, view, period=chosen, with_flags=True, with_groups=True
        )
        places = {t.code: t for t in self.tenancy.known_townships(view.townships)}
        span = Period.parse(chosen)
        figures = [
            parts.figures.figures_of(places[row["township"]], span) for row in doc["townships"]
        ]
        return CountyWorkbook(chosen, doc, figures)

    def entry_history(self, principal: Principal, *, township: str, entry_id: str) -> EntryHistory:
        """One entry's history, with its township's name."""
        place = self.tenancy.township(principal, township)
        self.read_model.before_read()
        found = self.parts.history.entry_of(principal, place, entry_id)
        return EntryHistory(found, {place.code: place.name})

    def county_reports(
        self, principal: Principal, *, county: str, period: str | None = None
    ) -> CountyReports:
        """Where each of the county's townships' reports of ``period``'s year stands (the
        county's latest year with data when None), published and submitted on time or not."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        parts = self.parts
        year = (period or str(parts.browsing.latest_year_of(view.townships)))[:4]
        places = self.tenancy.known_townships(view.townships)
        shown = values.whole_number(year)
        rows = [(place, parts.reports.status_of(place, shown)) for place in places]
        published = {
            p["township"]: p
            for p in parts.publications.published_of(view)
            if p["kind"] == "report" and p["period"] == year
        }
        now = datetime.now(UTC)
        timing = parts.calendar.completeness_of(
            view, year, now, parts.calendar.townships_at(view, now)
        )
        on_time = {row["township"]: row for row in timing["townships"]}
        return CountyReports(rows, year, published, on_time)

    def report_reading(self, principal: Principal, *, township: str, year: Any) -> ReportReading:
        """A township's report of ``year`` (a whole number, or its text) as the county reads
        it before answering."""
        place = self.tenancy.township(principal, township)
        self.read_model.before_read()
        status = self.parts.reports.status_of(place, values.whole_number(year))
        return ReportReading(place, year, status)

    def _names(self, view: CountyView) -> dict[str, str]:
        """The county's townships' names by code (the county's townships are its officer's
        to see: the county is)."""
        return {t.code: t.name for t in self.tenancy.known_townships(view.townships)}
