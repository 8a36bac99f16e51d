"""Figures, traces, rankings and annual reports, answered from the read model.

Each query first brings the read model up to date, so it answers with everything recorded
before it was asked. ``as_of`` limits the answer to what had been recorded by that moment.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from domain.access import Principal
from domain.errors import InvalidField
from domain.figure_names import RATES
from domain.ranking import DEFAULT_INDICATORS, FORMULA, score
from domain.tenancy import county_uuid
from projections import report as report_model
from projections.batching import collector_paused
from projections.figures import (
    EntryState,
    counts_for,
    document,
    entry_counts,
    fold,
    laws_studied,
    rate,
)
from projections.ledger import LedgerProjection, LedgerView
from projections.periods import Period
from projections.runner import PAGE, PIPELINE_PAGES, catch_up, wait_for
from services.application import LedgerApplication
from services.tenancy import Tenancy


def parse_moment(value: str | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidField(
                "as_of", f"must be an ISO time such as 2025-01-15T00:00:00Z; got {value!r}"
            ) from None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


class Reporting:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy, view: LedgerView) -> None:
        self.app = app
        self.tenancy = tenancy
        self.view = view
        self.projection = LedgerProjection(view)
        self.page = PAGE  # events a read-model transaction
        self.pipeline_pages: int | None = PIPELINE_PAGES  # None: never a writer process
        self._lock = threading.Lock()

    # -- keeping up ---------------------------------------------------------------------------

    def refresh(self) -> int:
        """Project everything recorded so far; returns the position reached."""
        with self._lock:
            return self._catch_up()

    def rebuild(self) -> int:
        with self._lock:
            self.view.reset()
            self.projection.forget()
            return self._catch_up()

    def _catch_up(self) -> int:
        return catch_up(
            self.app, self.projection, page=self.page, pipeline_pages=self.pipeline_pages
        )

    def follow(self, stop: threading.Event, *, interval: float = 0.5) -> None:
        """The projection worker: keep the read model up to date until ``stop`` is set.
        An error stops it (a projection never skips an event)."""
        while not stop.is_set():
            self.refresh()
            stop.wait(interval)

    def follow_in_background(self, *, interval: float = 0.5) -> threading.Event:
        """Run the worker in a daemon thread of this process (the embedded default);
        set the returned event to stop it."""
        stop = threading.Event()
        threading.Thread(
            target=self.follow,
            args=(stop,),
            kwargs={"interval": interval},
            name="ledger-projection",
            daemon=True,
        ).start()
        return stop

    def wait_for(self, position: int, *, timeout: float = 5.0) -> bool:
        """Read-your-writes: wait until a worker has projected ``position``."""
        return wait_for(self.view, position, timeout=timeout)

    # -- figures ------------------------------------------------------------------------------

    def figures(
        self, principal: Principal, *, township: str, period: str, as_of: Any = None
    ) -> dict[str, Any]:
        place, span, moment, states = self._states(principal, township, period, as_of)
        return self._document(place.code, span, moment, states)

    def trace(
        self, principal: Principal, *, township: str, period: str, figure: str, as_of: Any = None
    ) -> list[str]:
        """The entries behind a figure (for a rate: behind its numerator, or its denominator
        when ``figure`` ends in ``.denominator``)."""
        _, span, moment, states = self._states(principal, township, period, as_of)
        name = _traced_name(figure)
        return sorted(s.entry_id for s in states if entry_counts(s, span, moment)[name])

    # -- the ranking --------------------------------------------------------------------------

    def set_indicators(
        self, principal: Principal, *, county: str, indicators: list[dict]
    ) -> list[dict]:
        view = self.tenancy.county(principal, county)
        principal.check_sets_indicators()
        record = self.app.repository.get(county_uuid(view.code))
        record.set_indicators(indicators)
        self.app.save(record)
        return record.indicator_history[-1][1]

    def ranking(
        self, principal: Principal, *, county: str, period: str, as_of: Any = None
    ) -> dict[str, Any]:
        with collector_paused():  # short-lived objects by the ten thousand: no cycles to find
            return self._ranking(principal, county, period, as_of)

    def _ranking(self, principal: Principal, county: str, period: str, as_of: Any) -> dict:
        view = self.tenancy.county(principal, county)
        span = Period.parse(period)
        moment = parse_moment(as_of)
        self.refresh()
        indicators = view.indicators_at(moment) or [dict(i) for i in DEFAULT_INDICATORS]
        if moment is None:
            counts = self.view.tallies(view.townships, span.key, _figures_of(indicators))
        else:
            counts = {
                t: counts_for(self._fold(t, moment, span.end), span, moment) for t in view.townships
            }
        values = {t: _indicator_values(indicators, counts[t]) for t in view.townships}
        names = {t: self.tenancy.township(principal, t).name for t in view.townships}
        return {
            "county": view.code,
            "period": span.key,
            "as_of": _stamp(moment or datetime.now(UTC)),
            "weights": indicators,
            "formula": FORMULA,
            "townships": [
                {
                    "township": s.township,
                    "name": names[s.township],
                    "rank": s.rank,
                    "score": s.score,
                    "indicators": s.indicators,
                }
                for s in score(indicators, values)
            ],
        }

    # -- the annual report --------------------------------------------------------------------

    def report(
        self, principal: Principal, *, township: str, year: int, as_of: Any = None
    ) -> report_model.Report:
        place, span, moment, states = self._states(principal, township, str(year), as_of)
        doc = self._document(place.code, span, moment, states)
        return report_model.build_report(
            township=place.code,
            township_name=place.name,
            year=year,
            figures=doc,
            narrative=_narrative(states, year),
        )

    # -- helpers ------------------------------------------------------------------------------

    def _states(self, principal, township, period, as_of):
        """The township, the period, the moment, and the township's entries as they stood
        then: for a year, its whole history (the year's report is submitted and answered
        after the year); for a quarter or month, the entries up to the period's end."""
        place = self.tenancy.township(principal, township)
        span = Period.parse(period)
        moment = parse_moment(as_of) or datetime.now(UTC)
        self.refresh()
        until = None if _is_year(span) else span.end
        return place, span, moment, self._fold(place.code, moment, until)

    def _fold(self, township: str, moment: datetime, until: Any = None) -> list[EntryState]:
        """The township's entries as they stood at ``moment`` (business dates to ``until``)."""
        return list(fold(self.view.facts(township, until=until, as_of=moment)).values())

    def _document(self, code, span, moment, states) -> dict[str, Any]:
        doc = document(
            counts_for(states, span, moment),
            laws=laws_studied(states, span),
            township=code,
            period=span.key,
            as_of=_stamp(moment),
        )
        if _is_year(span):
            doc["report"] = _report_status(states, int(span.key))
        return doc


def _is_year(span: Period) -> bool:
    return len(span.key) == 4


def _live(states: Iterable[EntryState]) -> Iterable[EntryState]:
    return (s for s in states if s.retracted_at is None)


def _traced_name(figure: str) -> str:
    if figure.startswith("rates."):
        parts = figure.split(".")
        numerator, denominator = RATES.get(parts[1], (None, None))
        if numerator is None:
            raise InvalidField("figure", f"no rate {parts[1]}")
        return denominator if parts[-1] == "denominator" else numerator
    return figure


def _figures_of(indicators: list[dict]) -> list[str]:
    """The count figures a ranking reads: rates need their numerator and denominator."""
    names: list[str] = []
    for ind in indicators:
        rate_name = ind["figure"].removeprefix("rates.")
        names.extend(RATES.get(rate_name, (ind["figure"],)))
    return names


def _indicator_values(indicators: list[dict], counts: Counter[str]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for ind in indicators:
        figure = ind["figure"]
        if figure.startswith("rates."):
            numerator, denominator = RATES[figure.removeprefix("rates.")]
            values[figure] = rate(counts.get(numerator, 0), counts.get(denominator, 0))["value"]
        else:
            values[figure] = counts.get(figure, 0)
    return values


def _narrative(states: Iterable[EntryState], year: int) -> dict[str, str] | None:
    """The year's latest narrative (states come in the order they were recorded)."""
    written = [
        s for s in _live(states) if s.type == "report_narrative" and s.payload["year"] == year
    ]
    if not written:
        return None
    return {
        "problems": written[-1].payload["problems"],
        "next_steps": written[-1].payload["next_steps"],
    }


def _report_status(states: Iterable[EntryState], year: int) -> dict[str, Any]:
    """The year's report: the latest submission and its answer; entries of the year recorded
    after the report was accepted are late amendments."""
    states = list(states)
    submissions = [
        s for s in _live(states) if s.type == "report_submitted" and s.payload["year"] == year
    ]
    if not submissions:
        return {"status": "not_submitted", "late_amendments": []}
    latest = max(submissions, key=lambda s: s.recorded_at)
    answer = latest.follow_ups[-1] if latest.follow_ups else None
    status = {
        "status": "submitted",
        "submission": latest.entry_id,
        "submitted_at": _stamp(latest.recorded_at),
        "late_amendments": [],
    }
    if answer is not None:
        status["status"] = "accepted" if answer.type == "report_accepted" else "returned"
        status["answered_at"] = _stamp(answer.recorded_at)
        if answer.type == "report_returned":
            status["reason"] = answer.payload["reason"]
        else:
            status["late_amendments"] = sorted(
                s.entry_id
                for s in states
                if s.occurred_on.year == year
                and s.recorded_at > answer.recorded_at
                and s.type not in ("report_submitted", "report_narrative")
            )
    return status


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
