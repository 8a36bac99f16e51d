"""Keeping the read model current: projecting what was recorded, rebuilding it from zero,
following the log (the projection worker), and waiting for a position (read-your-writes).

Every query of the other reporting services brings the read model up to date first, so it
answers with everything recorded before it was asked.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.errors import Conflict
from projections.figures import EntryState, Fact
from projections.ledger import LedgerProjection, LedgerView
from projections.runner import PIPELINE_PAGES, PROJECTION_PAGE_EVENTS, catch_up, wait_for
from projections.since import Since
from services.application import LedgerApplication
from services.current_entries import CurrentEntries
from services.kept_changes import KeptChanges

log = logging.getLogger("ledger.projection")
OUTAGE_PAUSE = 5.0  # seconds, at most, between tries while the database is away
PUSHED_POLL = 5.0  # seconds between polls while a doorbell listens (it rings for each write)


class Doorbell(Protocol):
    """What wakes the projection worker when something is recorded (PostgreSQL's
    LISTEN/NOTIFY, infra/doorbell.py); without one, it polls."""

    @property
    def listening(self) -> bool: ...

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Until rung (True), ``stop`` is set, or ``seconds`` pass."""

    def close(self) -> None: ...


class ReadModel:
    """The ledger's read model and the projection that keeps it current: the one door the
    other services read it through (its queries below), and the projection's storage and the
    workers' coordination, which nothing else touches."""

    def __init__(
        self,
        app: LedgerApplication,
        view: LedgerView,
        doorbell: Callable[[], Doorbell] | None = None,
    ) -> None:
        self.app = app
        self.storage = view.storage
        self._queries = view.queries
        self._leadership = view.leadership
        self._view = view
        self.doorbell = doorbell  # makes the worker's doorbell, where the store has one
        # A township's entries now, kept between pages (services/current_entries.py).
        self._current = CurrentEntries(self.position, view.queries.facts_after)
        # What changed since a point, counted and paged (services/kept_changes.py).
        self._changes = KeptChanges(self.position, view.queries.change_counts, view.queries.changes)
        self.projection = LedgerProjection(view.storage)
        self.page = PROJECTION_PAGE_EVENTS  # events a read-model transaction
        self.pipeline_pages: int | None = PIPELINE_PAGES  # None: never a writer process
        self._lock = threading.Lock()
        # Set while this process's ``follow`` projects (of several workers, the one that
        # leads): what else runs beside the projection worker once (the stamping job) asks it.
        self.leading = threading.Event()
        # True: every query projects what was recorded before it (the command line). False:
        # a projection worker keeps the read model current and queries only read it; a caller
        # that wrote waits for its own position first (``wait_for``): the web pages.
        self.refresh_before_reads = True

    def refresh(self, *, stop: Callable[[], bool] = lambda: False) -> int:
        """Project everything recorded so far (or, once ``stop()`` is true, up to the end of
        the page being stored); returns the position reached."""
        with self._lock:
            return self._catch_up(stop)

    def rebuild(self) -> int:
        """Forget the read model and project the whole log again; returns the position."""
        with self._lock:
            self.storage.reset()
            self.projection.forget()
            return self._catch_up()

    def _catch_up(self, stop: Callable[[], bool] = lambda: False) -> int:
        return catch_up(
            self.app,
            self.projection,
            page=self.page,
            pipeline_pages=self.pipeline_pages,
            stop=stop,
        )

    def follow(
        self,
        stop: threading.Event,
        *,
        interval: float = 0.5,
        outage: Callable[[BaseException], bool] = lambda error: False,
    ) -> None:
        """The projection worker: keep the read model up to date until ``stop`` is set, then
        end after the page being stored. Of several workers on one database one projects and
        the others stand by, one of them taking over when it ends (the view's leadership).
        An error stops it (a projection never skips an event), except the database being away
        (``outage``): that page was not stored, and is projected again once it is back.
        With a doorbell, a worker wakes as soon as something is recorded, and polls every
        ``PUSHED_POLL`` seconds besides (every ``interval`` while the doorbell is deaf)."""
        leads = self._leadership()
        bell = self.doorbell() if self.doorbell else None
        leading: bool | None = None
        pause = interval
        try:
            while not stop.is_set():
                if (now := leads()) != leading:
                    leading = now
                    if leading:
                        self.leading.set()
                    else:
                        self.leading.clear()
                    log.info("projecting" if leading else "standing by: another worker projects")
                if leading:
                    try:
                        self.refresh(stop=stop.is_set)
                        pause = interval
                    except Exception as error:
                        if not outage(error):
                            raise
                        log.warning("the database cannot be reached: %s", type(error).__name__)
                        self.projection.forget()  # it may hold a page the view never got
                        pause = min(max(pause, 0.1) * 2, OUTAGE_PAUSE)
                if bell is None:
                    stop.wait(pause)
                else:
                    bell.wait(PUSHED_POLL if pause == interval and bell.listening else pause, stop)
        finally:
            self.leading.clear()
            leads.release()
            if bell is not None:
                bell.close()

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

    def before_read(self) -> None:
        """What every query does first: project what was recorded so far, unless a worker
        keeps the read model current (``refresh_before_reads`` False)."""
        if self.refresh_before_reads:
            self.refresh()

    def reach(self, position: int, *, timeout: float = 5.0) -> None:
        """Make sure the read model holds everything up to ``position`` (a use case that
        reads what it has just written): project it here, or wait for the worker."""
        if self.refresh_before_reads:
            self.refresh()
        elif not self.wait_for(position, timeout=timeout):
            raise Conflict("read_model.behind")

    def recorded_position(self) -> int:
        """The position of the last event recorded in the log."""
        return self.app.recorder.max_notification_id() or 0

    def recorded_version(self, originator_id: UUID) -> int:
        """The version of an aggregate's last event in the log (0: none recorded)."""
        last = self.app.recorder.select_events(originator_id, desc=True, limit=1)
        return last[0].originator_version if last else 0

    def lag(self) -> tuple[int, int]:
        """(the position the read model has projected, the last position recorded)."""
        return self.position(), self.recorded_position()

    def wait_for(self, position: int, *, timeout: float = 5.0) -> bool:
        """Read-your-writes: wait until a worker has projected ``position`` (as the queries
        see it: a replica's copy, where they read one)."""
        return wait_for(self._queries, position, timeout=timeout)

    def close(self) -> None:
        self._view.close()

    # -- the queries (none refreshes: the caller does, once) --------------------------------

    def entries(
        self, township: str, *, as_of: datetime, until: date | None = None
    ) -> list[EntryState]:
        """The township's entries as they stood at ``as_of`` (business dates to ``until``), in
        the order they were recorded: its current entries (kept by this process) as they were
        then, which is what folding the facts recorded by then gives."""
        return [
            then
            for entry in self._current.of(township)
            if (until is None or entry.occurred_on <= until)
            and (then := entry.as_of(as_of)) is not None
        ]

    def current_entries(self, township: str) -> list[EntryState]:
        """The township's entries as they stand now, in the order they were recorded (kept
        by this process between calls, brought up to date with what was recorded since)."""
        return self._current.of(township)

    def position(self) -> int:
        """The position of the log the read model holds."""
        return self._queries.position()

    def facts(
        self, township: str, *, until: date | None = None, as_of: datetime | None = None
    ) -> list[Fact]:
        return self._queries.facts(township, until=until, as_of=as_of)

    def entry_facts(self, township: str, entry_id: str) -> list[Fact]:
        return self._queries.entry_facts(township, entry_id)

    def facts_since(self, townships: Sequence[str], moment: datetime, *, until: date) -> list[Fact]:
        return self._queries.facts_since(townships, moment, until=until)

    def facts_of_entries(self, keys: Iterable[tuple[str, str]]) -> list[Fact]:
        return self._queries.facts_of_entries(keys)

    def period_facts(
        self,
        townships: Sequence[str],
        start: date,
        end: date,
        *,
        as_of: datetime | None,
        payloads: Collection[str] = (),
    ) -> list[Fact]:
        return self._queries.period_facts(townships, start, end, as_of=as_of, payloads=payloads)

    def facts_of_type(self, township: str, type_: str) -> list[Fact]:
        return self._queries.facts_of_type(township, type_)

    def changes(self, since: Since, *, after: int = 0, limit: int | None = None) -> list[Fact]:
        return self._changes.changes(since, after=after, limit=limit)

    def change_counts(self, since: Since) -> dict[str, dict[str, int]]:
        return self._changes.counts(since)

    def changed_townships(self, since: Since) -> set[str]:
        """Read anew each time (not kept: asked for the few facts after a position)."""
        return self._queries.changed_townships(since)

    def tallies(
        self, townships: Sequence[str], period: str, names: Sequence[str] | None = None
    ) -> dict[str, Counter[str]]:
        return self._queries.tallies(townships, period, names)

    def tally_periods(self, township: str) -> list[str]:
        return self._queries.tally_periods(township)

    def township_tallies(self, township: str, periods: Sequence[str]) -> dict[str, Counter[str]]:
        return self._queries.township_tallies(township, periods)

    def mark_before(self, moment: datetime) -> int | None:
        return self._queries.mark_before(moment)

    def tallies_at(
        self, townships: Sequence[str], period: str, names: Sequence[str], position: int
    ) -> dict[str, Counter[str]]:
        return self._queries.tallies_at(townships, period, names, position)

    def facts_between(
        self, townships: Sequence[str], position: int, moment: datetime, *, until: date
    ) -> list[Fact]:
        return self._queries.facts_between(townships, position, moment, until=until)
