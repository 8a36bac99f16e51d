"""A web worker, once its app is made, moves what it built to start out of the garbage
collector's generations (web/wsgi.py ``settle``): full collections during pages then walk only
what pages made since (bench/pages.py measures the pauses this spares)."""

from __future__ import annotations

import gc

from web.wsgi import settle


def test_a_worker_settles_what_it_built_to_start() -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        settle()
        assert gc.get_freeze_count() > 1_000  # the modules and objects loaded so far
    finally:
        gc.unfreeze()  # the rest of the test run collects as it did
