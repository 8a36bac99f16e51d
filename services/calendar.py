"""The county's reporting calendar (domain/calendar.py): setting it, and reading from it which
townships submitted a period's report (completeness) and which did so by the due day plus grace
days (timeliness), as of any moment; a township's next due day and what it still lacks.

A year's report is submitted with ``report_submitted``, a quarter's record with
``quarter_submitted`` (of its year and quarter)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.access import Principal
from domain.calendar import Deadline, calendar_at, period_end
from domain.errors import InvalidField
from domain.moments import local_day, parse_moment, stamp
from domain.report import QuarterSubmission, ReportNarrative, ReportSubmission
from domain.tenancy import County, county_uuid
from projections.figures import fold, rate
from projections.periods import Period
from services.application import LedgerApplication
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy, TownshipView

SUBMITTED = ReportSubmission.Submitted.TYPE
QUARTER_SUBMITTED = QuarterSubmission.Submitted.TYPE
NARRATIVE = ReportNarrative.Written.TYPE


@dataclass(frozen=True)
class NextDue:
    """A township's next report due (the earliest, by its last day, whose report it has not
    submitted: a year's or a quarter's), and what it still lacks for it."""

    period: str
    due: date
    last_day: date
    days_left: int  # to the last day (grace included): negative once it passed
    narrative_written: bool  # a quarter's takes none: True

    @property
    def quarter(self) -> int | None:
        """The quarter (1–4) when a quarter's record is due; None for a year's report."""
        return int(self.period[-1]) if "-Q" in self.period else None


class Calendar:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy, read_model: ReadModel) -> None:
        self.app = app
        self.tenancy = tenancy
        self.read_model = read_model

    def deadlines(
        self, principal: Principal, *, county: str, as_of: Any = None
    ) -> list[dict[str, Any]]:
        """The county's deadlines in force at ``as_of`` (now), by period key."""
        view = self.tenancy.county(principal, county)
        found = calendar_at(view.calendar_history, parse_moment(as_of))
        return [d.document() for d in found.values()]

    def set_deadlines(
        self, principal: Principal, *, county: str, deadlines: Any
    ) -> list[dict[str, Any]]:
        """Set the due day and grace days of the periods given (the others keep theirs);
        returns every deadline now in force."""
        view = self.tenancy.county(principal, county)
        principal.check_sets_calendar()
        record = self.app.repository.get(county_uuid(view.code))
        if record.set_calendar(deadlines):
            self.app.save(record)
        return [d.document() for d in calendar_at(record.calendar_history).values()]

    def completeness(
        self, principal: Principal, *, county: str, period: str, as_of: Any = None
    ) -> dict[str, Any]:
        """Who submitted the period's report (a year's, or a quarter's record), when (first),
        and whether by its last day, as the ledger stood at ``as_of`` (now): completeness =
        townships that submitted / townships; timeliness = townships on time / townships (none
        without a deadline)."""
        view = self.tenancy.county(principal, county)
        moment = parse_moment(as_of) or datetime.now(UTC)
        self.read_model.before_read()
        return self.completeness_of(view, period, moment, self.townships_at(view, moment))

    def completeness_of(
        self, view: CountyView, period: str, moment: datetime, townships: list[str]
    ) -> dict[str, Any]:
        """``completeness`` of a county resolved already (the read model brought up to date),
        of its ``townships`` at ``moment`` (a later one is not counted)."""
        key = _calendar_period(period)
        deadline = calendar_at(view.calendar_history, moment).get(key)
        rows = [self._row(code, key, deadline, moment) for code in townships]
        submitted = sum(r["submitted_at"] is not None for r in rows)
        on_time = sum(r["on_time"] is True for r in rows)
        return {
            "county": view.code,
            "period": key,
            "as_of": stamp(moment),
            "due": None if deadline is None else deadline.due.isoformat(),
            "grace_days": None if deadline is None else deadline.grace_days,
            "completeness": rate(submitted, len(rows)),
            "timeliness": None if deadline is None else rate(on_time, len(rows)),
            "townships": rows,
        }

    def record(
        self, principal: Principal, *, county: str, as_of: Any = None
    ) -> list[dict[str, Any]]:
        """Each period of the calendar (years and quarters), latest first (a year before its
        fourth quarter): its completeness document (each township's record of both over time,
        read across them)."""
        view = self.tenancy.county(principal, county)
        moment = parse_moment(as_of) or datetime.now(UTC)
        self.read_model.before_read()
        return self.record_of(view, moment, self.townships_at(view, moment))

    def record_of(
        self, view: CountyView, moment: datetime, townships: list[str]
    ) -> list[dict[str, Any]]:
        """``record`` of a county resolved already (the read model brought up to date), of
        its ``townships`` at ``moment``."""
        periods = sorted(calendar_at(view.calendar_history, moment), key=_latest_first)
        return [self.completeness_of(view, p, moment, townships) for p in periods]

    def timing(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> dict[str, Any]:
        """The township's report of ``year`` against its county's calendar, as a row of the
        completeness document with the year's ``due`` and ``grace_days`` (None: no deadline)."""
        place = self.tenancy.township(principal, township)
        moment = parse_moment(as_of) or datetime.now(UTC)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        return self.timing_of(place, county, year, moment)

    def timing_of(
        self, place: TownshipView, county: CountyView, year: int, moment: datetime
    ) -> dict[str, Any]:
        """``timing`` of a township and its county resolved already (the read model brought
        up to date)."""
        deadline = calendar_at(county.calendar_history, moment).get(str(year))
        return {
            **self._row(place.code, str(year), deadline, moment),
            "due": None if deadline is None else deadline.due.isoformat(),
            "grace_days": None if deadline is None else deadline.grace_days,
        }

    def quarters(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> list[dict[str, Any]]:
        """The quarters of ``year`` begun by ``as_of`` (now), each as a row of the completeness
        document with its ``period``, ``quarter``, ``due`` and ``grace_days`` (None: no
        deadline): what the township's dashboard shows of its quarters' submissions."""
        place = self.tenancy.township(principal, township)
        moment = parse_moment(as_of) or datetime.now(UTC)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        return self.quarters_of(place, county, year, moment)

    def quarters_of(
        self, place: TownshipView, county: CountyView, year: int, moment: datetime
    ) -> list[dict[str, Any]]:
        """``quarters`` of a township and its county resolved already (the read model
        brought up to date)."""
        calendar = calendar_at(county.calendar_history, moment)
        today = local_day(moment)
        rows = []
        for quarter in range(1, 5):
            key = f"{year}-Q{quarter}"
            if Period.parse(key).start > today:
                break
            deadline = calendar.get(key)
            rows.append(
                {
                    "period": key,
                    "quarter": quarter,
                    **self._row(place.code, key, deadline, moment),
                    "due": None if deadline is None else deadline.due.isoformat(),
                    "grace_days": None if deadline is None else deadline.grace_days,
                }
            )
        return rows

    def next_due(self, principal: Principal, *, township: str, as_of: Any = None) -> NextDue | None:
        """The township's next report due: the earliest period of its county's calendar (by
        its last day; a year's or a quarter's) whose report it has not submitted (None when
        there is none)."""
        place = self.tenancy.township(principal, township)
        moment = parse_moment(as_of) or datetime.now(UTC)
        county = self.tenancy.county_of(place)
        self.read_model.before_read()
        return self.next_due_of(place, county, moment)

    def next_due_of(
        self, place: TownshipView, county: CountyView, moment: datetime
    ) -> NextDue | None:
        """``next_due`` of a township and its county resolved already (the read model brought
        up to date)."""
        calendar = calendar_at(county.calendar_history, moment)
        for deadline in sorted(calendar.values(), key=lambda d: (d.last_day, d.period)):
            if self._first_submission(place.code, deadline.period, moment) is not None:
                continue
            return NextDue(
                deadline.period,
                deadline.due,
                deadline.last_day,
                (deadline.last_day - local_day(moment)).days,
                deadline.quarter is not None
                or self._narrative_written(place, deadline.year, moment),
            )
        return None

    def _row(
        self, township: str, period: str, deadline: Deadline | None, moment: datetime
    ) -> dict[str, Any]:
        first = self._first_submission(township, period, moment)
        on_time: bool | None = None
        if deadline is not None:
            if first is not None:
                on_time = deadline.on_time(first)
            elif deadline.passed(moment):
                on_time = False
        return {
            "township": township,
            "submitted_at": None if first is None else stamp(first),
            "on_time": on_time,
        }

    def townships_at(self, view: CountyView, moment: datetime) -> list[str]:
        """The county's townships at ``moment``: those it included by then, in that order."""
        return [
            e.township
            for e in self.app.events.get(county_uuid(view.code))
            if isinstance(e, County.TownshipIncluded) and e.timestamp <= moment
        ]

    def _first_submission(self, township: str, period: str, moment: datetime) -> datetime | None:
        """When the township first submitted the period's report (a year's report, or a
        quarter's record; a submission not retracted), as the ledger stood at ``moment``."""
        year = int(period[:4])
        if "-Q" in period:
            quarter = int(period[-1])
            found = [
                e
                for e in self._live(township, QUARTER_SUBMITTED, year, moment)
                if e.payload["quarter"] == quarter
            ]
        else:
            found = self._live(township, SUBMITTED, year, moment)
        return min((e.recorded_at for e in found), default=None)

    def _narrative_written(self, place: TownshipView, year: int, moment: datetime) -> bool:
        return bool(self._live(place.code, NARRATIVE, year, moment))

    def _live(self, township: str, type_: str, year: int, moment: datetime) -> list:
        """The township's entries of ``type_`` for ``year`` not retracted at ``moment``."""
        created = self.read_model.facts_of_type(township, type_)
        keys = [(f.township, f.entry_id) for f in created if f.payload["year"] == year]
        facts = [f for f in self.read_model.facts_of_entries(keys) if f.recorded_at <= moment]
        return [e for e in fold(facts).values() if e.retracted_at is None]


def _calendar_period(period: str) -> str:
    """The key of a period given for completeness: a year or a quarter (reports are submitted
    per year, records per quarter; not per month)."""
    span = Period.parse(period)
    if span.key != str(span.start.year) and "-Q" not in span.key:
        raise InvalidField("period", "deadlines.period", got=period)
    return span.key


def _latest_first(period: str) -> tuple[int, bool]:
    """Sorts periods latest first: by their last day, a year before its fourth quarter."""
    return (-period_end(period).toordinal(), "-Q" in period)
