"""Bulk work: an import or a projection page holds many new objects at once, none of them
garbage; the cyclic garbage collector would walk them again and again (a quarter to a third of
the time) for nothing. Both pause it while they work."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
