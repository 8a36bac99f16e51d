"""Data quality (issue 22 item 3): the county's rules' settings, and each township's flags for
a period as of a moment, derived from when its entries were really recorded.

The "rushed" rule needs the period's due day: the one the county's reporting calendar set for
it (a year's), as the county had it at the moment; for a period it sets none for, the
documented default (``domain.quality.default_due_day``: the 15th day of the month after).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
from projections.since import Since
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
        # The flags of now by county, period, rules and due day: the read model's position
        # they were judged at, and each township's.
        self._now: OrderedDict[tuple, tuple[int, dict[str, list[Flag]]]] = OrderedDict()
        self._now_lock = threading.Lock()

    def rules(self, principal: Principal, *, county: str, as_of: Any = None) -> dict[str, Any]:
        """The county's data-quality rules in force at ``as_of`` (now)."""
        view = self.tenancy.county(principal, county)
        return self.rules_of(view, parse_moment(as_of))

    def rules_of(self, view: CountyView, moment: datetime | None) -> dict[str, Any]:
        """``rules`` of a county resolved already."""
        return in_force(view.quality_settings_at(moment))

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
        flags of now are kept, and judged again only for the townships that recorded
        something for the period since (a page and its API, its workbook, read them once)."""
        due = self.due_days.due_day(view, span, moment)
        settings = view.quality_settings_at(moment)
        if moment is None:
            return self._flags_now(view, span, due, settings)
        return self._judged(view.townships, span, moment, due, settings)

    def _flags_now(
        self, view: CountyView, span: Period, due: date, settings: list[dict]
    ) -> dict[str, list[Flag]]:
        """The flags of now: a township's depend only on its own entries of the period, and
        the log only grows, so those kept stand for every township without a fact of the
        period's entries recorded after the position they were judged at."""
        key = (view.code, span.key, len(settings), due)
        now = self.read_model.position()  # first: facts read after it can only be newer
        seen, kept = self._kept(key, now)
        if kept and seen < now:
            since = Since(tuple(kept), span=span, position=seen, upto=now)
            changed = self.read_model.changed_townships(since)
            kept = {t: found for t, found in kept.items() if t not in changed}
        if missing := tuple(t for t in view.townships if t not in kept):
            kept = {**kept, **self._judged(missing, span, None, due, settings)}
        if missing or seen < now:
            self._keep(key, now, kept)
        return {t: kept[t] for t in view.townships}

    def _judged(
        self,
        townships: tuple[str, ...],
        span: Period,
        moment: datetime | None,
        due: date,
        settings: list[dict],
    ) -> dict[str, list[Flag]]:
        facts = self.read_model.period_facts(
            townships, span.start, span.end, as_of=moment, payloads=PAYLOADS
        )
        return flags(facts, townships, due=due, rules=in_force(settings))

    def _kept(self, key: tuple, now: int) -> tuple[int, dict[str, list[Flag]]]:
        """The position and the townships' flags kept for ``key`` (none: nothing kept, or
        the read model rebuilt since, back below that position: then nothing is kept)."""
        with self._now_lock:
            found = self._now.get(key)
            if found is None:
                return 0, {}
            if now < found[0]:
                self._now.clear()
                return 0, {}
            self._now.move_to_end(key)
            return found

    def _keep(self, key: tuple, now: int, kept: dict[str, list[Flag]]) -> None:
        with self._now_lock:
            current = self._now.get(key)
            if current is None or current[0] <= now:  # else judged later by another thread
                self._now[key] = (now, kept)
                self._now.move_to_end(key)
            while len(self._now) > KEPT:
                self._now.popitem(last=False)


def document(flag: Flag) -> FlagDocument:
    return {
        "rule": flag.rule,
        "value": flag.value,
        "threshold": dict(flag.threshold),
        "entries": list(flag.entries),
    }
