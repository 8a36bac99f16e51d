"""Jobs that ride beside the projection worker, never inside a request: trusted timestamps
(services/stamping.py) and notifications by e-mail (services/mailing.py). Of several
projection workers only the one projecting runs them; a round that fails (its service away,
the database away) is tried again later, each failure waiting twice as long as the one before,
and nothing that fails ends the job."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("ledger.jobs")
LEAD_CHECK = 0.5  # seconds between asking whether this worker leads, while it does not


class Round(Protocol):
    failed: int  # what the round could not do (its service refused or did not answer)


def follow_rounds(
    step: Callable[[], Round],
    stop: threading.Event,
    *,
    what: str,
    leading: Callable[[], bool],
    interval: float,
    retry_most: float,
) -> None:
    """``step`` rounds until ``stop`` is set, while ``leading()``: ``interval`` seconds apart,
    after a failed one twice the pause before (at most ``retry_most``)."""
    pause = interval
    while not stop.is_set():
        if not leading():  # not the worker that projects (yet): ask again soon
            stop.wait(LEAD_CHECK)
            continue
        try:
            failed = step().failed
        except Exception:  # the database away, say: logged, and tried again later
            log.exception("the %s round failed; tried again later", what)
            failed = 1
        pause = min(pause * 2, retry_most) if failed else interval
        stop.wait(pause)


def in_background(follow: Callable[[], None], name: str) -> threading.Thread:
    """``follow`` in a daemon thread of this process."""
    thread = threading.Thread(target=follow, name=name, daemon=True)
    thread.start()
    return thread
