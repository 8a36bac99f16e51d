"""Bringing the read model up to date: by polling the application's notification log.

Polling works on every store (SQLite has no subscriptions); PostgreSQL's notification ids may
have gaps, which polling by "greater than the last position" passes over safely.

A long catch-up (``PIPELINE_PAGES`` pages or more behind) hands each page to the view's writer,
where there is one, and computes the next page while that one is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from projections.gc import pause_gc
from projections.ledger import LedgerProjection, PageWriter

PROJECTION_PAGE_EVENTS = 1_000  # events projected and stored in one read-model transaction
PIPELINE_PAGES = 20


def catch_up(
    app: Any,
    projection: LedgerProjection,
    *,
    page: int = PROJECTION_PAGE_EVENTS,
    pipeline_pages: int | None = PIPELINE_PAGES,
    stop: Callable[[], bool] = lambda: False,
) -> int:
    """Project every event recorded so far, ``page`` events a transaction, with the view's
    writer from ``pipeline_pages`` pages behind (None: never); returns the position reached.
    When ``stop()`` turns true (a worker told to stop), it ends after the page it is storing."""
    with pause_gc():
        return _catch_up(app, projection, page, pipeline_pages, stop)


def _catch_up(
    app: Any,
    projection: LedgerProjection,
    page: int,
    pipeline_pages: int | None,
    stop: Callable[[], bool],
) -> int:
    view = projection.view
    writer_from = None if pipeline_pages is None else pipeline_pages * page  # events behind
    while True:
        since = view.position()
        if stop():
            return since
        projection.resume(since)
        notifications = app.recorder.select_notifications(start=since + 1, limit=page)
        if not notifications:
            projection.idle()
            return since
        if writer_from is not None and len(notifications) == page:
            behind = app.recorder.max_notification_id() - since
            writer = view.writer() if behind >= writer_from else None
            writer_from = None  # asked once: the plain loop finishes what is left
            if writer is not None:
                _pipelined(app, projection, writer, since, notifications, page, stop)
                continue
        changes = projection.changes(_events(app, notifications))
        if view.commit(changes, since=since, position=notifications[-1].id):
            projection.position = notifications[-1].id
        else:
            projection.forget()  # another worker got there first: take it from where it is


def _pipelined(
    app: Any,
    projection: LedgerProjection,
    writer: PageWriter,
    since: int,
    notifications: Sequence[Any],
    page: int,
    stop: Callable[[], bool],
) -> None:
    """Send each page to the writer, and compute the next while it is stored. Ends at the end
    of the log, where another worker moved the view, or when told to stop (once the page in
    flight is stored); the projection's cached states then reflect exactly what the view holds
    (or are dropped)."""
    pending = False  # a page was sent whose answer has not come yet
    try:
        while notifications:
            changes = projection.changes(_events(app, notifications))
            if pending and not writer.result():
                break  # the page before found the view moved on: this one is void too
            writer.send(changes, since=since, position=notifications[-1].id)
            pending, since = True, notifications[-1].id
            if projection.position is None:  # it dropped its cache: the next page reads the
                pending = False  # view, which must hold this page first
                if not writer.result():
                    break
                projection.position = since
            if stop():
                notifications = []  # as at the end of the log: wait for the page in flight
            else:
                notifications = app.recorder.select_notifications(start=since + 1, limit=page)
        if not notifications and (not pending or writer.result()):
            projection.position = since  # caught up, every page stored
            return
    except BaseException:
        projection.forget()
        raise
    projection.forget()  # another worker moved the view: the plain loop goes on from there


def _events(app: Any, notifications: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    return ((n.id, app.mapper.to_domain_event(n)) for n in notifications)


def wait_for(view: Any, position: int, *, timeout: float, interval: float = 0.05) -> bool:
    """Wait until the view has projected ``position``; False on timeout."""
    deadline = time.monotonic() + timeout
    while view.position() < position:
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
