"""Bringing the read model up to date: by polling the application's notification log.

Polling works on every store (SQLite has no subscriptions); PostgreSQL's notification ids may
have gaps, which polling by "greater than the last position" passes over safely.
"""

from __future__ import annotations

import time
from typing import Any

from projections.batching import collector_paused
from projections.ledger import LedgerProjection

PAGE = 1_000


def catch_up(app: Any, projection: LedgerProjection, *, page: int = PAGE) -> int:
    """Project every event recorded so far; returns the position reached."""
    view = projection.view
    with collector_paused():
        return _catch_up(app, projection, view, page)


def _catch_up(app: Any, projection: LedgerProjection, view: Any, page: int) -> int:
    while True:
        since = view.position()
        projection.resume(since)
        notifications = app.recorder.select_notifications(start=since + 1, limit=page)
        if not notifications:
            projection.idle()
            return since
        events = ((n.id, app.mapper.to_domain_event(n)) for n in notifications)
        changes = projection.changes(events)
        if view.commit(changes, since=since, position=notifications[-1].id):
            projection.position = notifications[-1].id
        else:
            projection.forget()  # another worker got there first: take it from where it is


def wait_for(view: Any, position: int, *, timeout: float, interval: float = 0.05) -> bool:
    """Wait until the view has projected ``position``; False on timeout."""
    deadline = time.monotonic() + timeout
    while view.position() < position:
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
