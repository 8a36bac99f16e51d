"""Data quality (issue 22 item 3): the county's rules' settings, and each township's flags for
a period as of a moment, derived from when its entries were really recorded.

The "rushed" rule needs the period's due day: the one the county's reporting calendar set for
it (a year's), as the county had it at the moment; for a period it sets none for, the
documented default (``domain.quality.default_due_day``: the 15th day of the month after).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypedDict

from domain.access import Principal
from domain.calendar import calendar_at
from domain.moments import parse_moment
from domain.quality import default_due_day, in_force
from domain.tenancy import county_uuid
from projections.periods import Period
from projections.quality import PAYLOADS, Flag, flags
from services.application import LedgerApplication
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy, TownshipView

KEPT = 64  # flags of now kept (counties × periods asked about lately)


class DueDays:
    """When a county's townships' report for a period is due, as the county had it at a
    moment (None: now): the due day its reporting calendar set for the period (a year or a
    quarter), or else the default, the 15th day of the month after the period ends."""

    def due_day(self, county: CountyView, period: Period, as_of: datetime | None) -> date:
        deadline = calendar_at(county.calendar_history, as_of).get(period.key)
        return deadline.due if deadline else default_due_day(period.end)


class FlagDocument(TypedDict):
    rule: str
    value: float
    threshold: dict[str, Any]
    entries: list[str]


class TownshipQuality(TypedDict):
    township: str
    flags: list[FlagDocument]


class QualityDocument(TypedDict):
    """DOMAIN.md's quality document (``GET /api/v1/counties/{c}/quality``)."""

    period: str
    townships: list[TownshipQuality]


class Quality:
    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        read_model: ReadModel,
        due_days: DueDays | None = None,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.read_model = read_model
        self.due_days = due_days or DueDays()
        # The flags of now, by what decides them: the read model's position (which moves
        # with anything recorded), the townships, the period, the rules and the due day.
        self._now: dict[tuple, dict[str, list[Flag]]] = {}
        self._now_lock = threading.Lock()

    def rules(self, principal: Principal, *, county: str, as_of: Any = None) -> dict[str, Any]:
        """The county's data-quality rules in force at ``as_of`` (now)."""
        view = self.tenancy.county(principal, county)
        return in_force(view.quality_settings_at(parse_moment(as_of)))

    def set_rules(self, principal: Principal, *, county: str, rules: Any) -> dict[str, Any]:
        """Set any of the rules' settings (the others keep theirs); returns the rules in force."""
        view = self.tenancy.county(principal, county)
        principal.check_sets_quality_rules()
        record = self.app.repository.get(county_uuid(view.code))
        record.set_quality_rules(rules)
        self.app.save(record)
        return record.quality_rules_in_force()

    def quality(
        self, principal: Principal, *, county: str, period: str, as_of: Any = None
    ) -> QualityDocument:
        """Each of the county's townships' flags for ``period`` as of ``as_of`` (now)."""
        view = self.tenancy.county(principal, county)
        span = Period.parse(period)
        moment = parse_moment(as_of)
        self.read_model.before_read()
        return self.quality_of(view, span, moment)

    def quality_of(
        self, view: CountyView, span: Period, moment: datetime | None
    ) -> QualityDocument:
        """``quality`` of a county resolved already (the read model brought up to date)."""
        found = self.flags(view, span, moment)
        return {
            "period": span.key,
            "townships": [
                {"township": t, "flags": [document(f) for f in found[t]]} for t in view.townships
            ],
        }

    def township_flags(
        self, principal: Principal, *, township: str, period: str
    ) -> list[FlagDocument]:
        """One township's own flags for ``period`` now (its dashboard)."""
        place = self.tenancy.township(principal, township)
        # The township's people see no county: its rules are read once the township is theirs.
        county = self.tenancy.county(Principal.operator(), place.county)
        self.read_model.before_read()
        return self.township_flags_of(place, county, period)

    def township_flags_of(
        self, place: TownshipView, county: CountyView, period: str
    ) -> list[FlagDocument]:
        """``township_flags`` of a township and its county resolved already (the read model
        brought up to date)."""
        one = replace(county, townships=(place.code,))
        return [document(f) for f in self.flags(one, Period.parse(period), None)[place.code]]

    def flags(
        self, view: CountyView, span: Period, moment: datetime | None
    ) -> dict[str, list[Flag]]:
        """The townships' flags of ``view`` (the read model already brought up to date): the
        facts of the period's entries in one query, judged by the rules then in force. The
        flags of now are kept until the read model moves (a page and its API, its workbook,
        read them once)."""
        due = self.due_days.due_day(view, span, moment)
        settings = view.quality_settings_at(moment)
        key = None
        if moment is None:  # the position first: facts read after it can only be newer
            key = (
                view.code,
                view.townships,
                span.key,
                self.read_model.position(),
                len(settings),
                due,
            )
            if (kept := self._now.get(key)) is not None:
                return kept
        facts = self.read_model.period_facts(
            view.townships, span.start, span.end, as_of=moment, payloads=PAYLOADS
        )
        found = flags(facts, view.townships, due=due, rules=in_force(settings))
        if key is not None:
            with self._now_lock:
                if len(self._now) >= KEPT:
                    self._now.pop(next(iter(self._now)))
                self._now[key] = found
        return found


def document(flag: Flag) -> FlagDocument:
    return {
        "rule": flag.rule,
        "value": flag.value,
        "threshold": dict(flag.threshold),
        "entries": list(flag.entries),
    }
