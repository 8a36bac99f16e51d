"""The county's reporting calendar (domain/calendar.py): setting it, and reading from it which
townships submitted a year's report (completeness) and which did so by the due day plus grace
days (timeliness), as of any moment; a township's next due day and what it still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from domain.access import Principal
from domain.calendar import Deadline, calendar_at
from domain.errors import InvalidField
from domain.moments import local_day, parse_moment, stamp
from domain.report import ReportNarrative, ReportSubmission
from domain.tenancy import County, county_uuid
from projections.figures import fold, rate
from projections.periods import Period
from services.application import LedgerApplication
from services.read_model import ReadModel
from services.tenancy import Tenancy, TownshipView

SUBMITTED = ReportSubmission.Submitted.TYPE
NARRATIVE = ReportNarrative.Written.TYPE


@dataclass(frozen=True)
class NextDue:
    """A township's next report due (the earliest whose year's report it has not submitted),
    and what it still lacks for it."""

    period: str
    due: date
    last_day: date
    days_left: int  # to the last day (grace included): negative once it passed
    narrative_written: bool


class Calendar:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy, read_model: ReadModel) -> None:
        self.app = app
        self.tenancy = tenancy
        self.read_model = read_model

    def deadlines(
        self, principal: Principal, *, county: str, as_of: Any = None
    ) -> list[dict[str, Any]]:
        """The county's deadlines in force at ``as_of`` (now), by year."""
        view = self.tenancy.county(principal, county)
        found = calendar_at(view.calendar_history, parse_moment(as_of))
        return [d.document() for d in found.values()]

    def set_deadlines(
        self, principal: Principal, *, county: str, deadlines: Any
    ) -> list[dict[str, Any]]:
        """Set the due day and grace days of the years given (the others keep theirs);
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
        """Who submitted the year's report, when (first), and whether by its last day, as
        the ledger stood at ``as_of`` (now): completeness = townships that submitted /
        townships; timeliness = townships on time / townships (none without a deadline)."""
        view = self.tenancy.county(principal, county)
        year = _year_of(period)
        moment = parse_moment(as_of) or datetime.now(UTC)
        deadline = calendar_at(view.calendar_history, moment).get(str(year))
        self.read_model.before_read()
        townships = self._townships_at(view.code, moment)  # a later one is not counted
        rows = [self._row(code, year, deadline, moment) for code in townships]
        submitted = sum(r["submitted_at"] is not None for r in rows)
        on_time = sum(r["on_time"] is True for r in rows)
        return {
            "county": view.code,
            "period": str(year),
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
        """Each year of the calendar, latest first: its completeness document (each
        township's record of both over time, read across them)."""
        view = self.tenancy.county(principal, county)
        moment = parse_moment(as_of) or datetime.now(UTC)
        years = sorted(calendar_at(view.calendar_history, moment), reverse=True)
        return [
            self.completeness(principal, county=view.code, period=y, as_of=moment) for y in years
        ]

    def timing(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> dict[str, Any]:
        """The township's report of ``year`` against its county's calendar, as a row of the
        completeness document with the year's ``due`` and ``grace_days`` (None: no deadline)."""
        place = self.tenancy.township(principal, township)
        moment = parse_moment(as_of) or datetime.now(UTC)
        deadline = calendar_at(self.tenancy.county_of(place).calendar_history, moment).get(
            str(year)
        )
        self.read_model.before_read()
        return {
            **self._row(place.code, year, deadline, moment),
            "due": None if deadline is None else deadline.due.isoformat(),
            "grace_days": None if deadline is None else deadline.grace_days,
        }

    def next_due(self, principal: Principal, *, township: str, as_of: Any = None) -> NextDue | None:
        """The township's next report due: the earliest year of its county's calendar whose
        report it has not submitted (None when there is none)."""
        place = self.tenancy.township(principal, township)
        moment = parse_moment(as_of) or datetime.now(UTC)
        calendar = calendar_at(self.tenancy.county_of(place).calendar_history, moment)
        self.read_model.before_read()
        for deadline in calendar.values():
            year = int(deadline.period)
            if self._first_submission(place.code, year, moment) is not None:
                continue
            return NextDue(
                deadline.period,
                deadline.due,
                deadline.last_day,
                (deadline.last_day - local_day(moment)).days,
                self._narrative_written(place, year, moment),
            )
        return None

    def _row(
        self, township: str, year: int, deadline: Deadline | None, moment: datetime
    ) -> dict[str, Any]:
        first = self._first_submission(township, year, moment)
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

    def _townships_at(self, county: str, moment: datetime) -> list[str]:
        """The county's townships at ``moment``: those it included by then, in that order."""
        return [
            e.township
            for e in self.app.events.get(county_uuid(county))
            if isinstance(e, County.TownshipIncluded) and e.timestamp <= moment
        ]

    def _first_submission(self, township: str, year: int, moment: datetime) -> datetime | None:
        """When the township first submitted the year's report (a submission not retracted),
        as the ledger stood at ``moment``."""
        return min(
            (e.recorded_at for e in self._live(township, SUBMITTED, year, moment)), default=None
        )

    def _narrative_written(self, place: TownshipView, year: int, moment: datetime) -> bool:
        return bool(self._live(place.code, NARRATIVE, year, moment))

    def _live(self, township: str, type_: str, year: int, moment: datetime) -> list:
        """The township's entries of ``type_`` for ``year`` not retracted at ``moment``."""
        created = self.read_model.facts_of_type(township, type_)
        keys = [(f.township, f.entry_id) for f in created if f.payload["year"] == year]
        facts = [f for f in self.read_model.facts_of_entries(keys) if f.recorded_at <= moment]
        return [e for e in fold(facts).values() if e.retracted_at is None]


def _year_of(period: str) -> int:
    """The year of a period given for completeness (a year: reports are submitted per year)."""
    span = Period.parse(period)
    if span.key != str(span.start.year):
        raise InvalidField("period", "deadlines.period", got=period)
    return span.start.year
