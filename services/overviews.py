"""What a page shows, in one call: the township's dashboard and trends, the county's ranking
and its page of one township. Each resolves the principal's township or county once and
brings the read model up to date once, then asks the services that own each part for it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from domain.access import Principal
from projections.entries import EntrySummary
from projections.periods import Period
from services.breakdowns import Breakdowns
from services.browsing import Browsing
from services.calendar import Calendar, NextDue
from services.figures import Figures, FiguresDocument
from services.publications import Publications
from services.quality import FlagDocument, Quality
from services.rankings import RankingDocument, Rankings
from services.read_model import ReadModel
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
class Parts:
    """The services that own what the pages show."""

    figures: Figures
    quality: Quality
    calendar: Calendar
    rankings: Rankings
    publications: Publications
    browsing: Browsing
    breakdowns: Breakdowns
    trends: Trends


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
