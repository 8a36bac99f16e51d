"""SQLite writers of several processes take turns on a file lock (infra.writers_turn.WritersTurn):
a process waits while another holds the turn, goes on once it is released, never shares a
turn with a process it forked, and past its patience goes on without one."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from contextlib import contextmanager

from infra.writers_turn import WritersTurn

FORK = multiprocessing.get_context("fork")


def hold(path: str, seconds: float, held, released) -> None:
    with WritersTurn(path, patience=5).taken():
        held.set()
        time.sleep(seconds)
        released.value = time.monotonic()


@contextmanager
def held_elsewhere(path: str, seconds: float) -> Iterator:
    """Another process holds the turn for ``seconds``; yields when it
    has it, the moment it let go of it (0.0 until then)."""
    held, released = FORK.Event(), FORK.Value("d", 0.0)
    other = FORK.Process(target=hold, args=(path, seconds, held, released))
    other.start()
    try:
        assert held.wait(10)
        yield released
    finally:
        other.join(10)


def test_a_writer_waits_for_another_process_turn(tmp_path):
    path = str(tmp_path / "ledger.sqlite3-writers")
    with held_elsewhere(path, 0.3) as released:
        with WritersTurn(path, patience=5).taken():
            went_on = time.monotonic()
        assert released.value and went_on >= released.value


def test_a_forked_process_does_not_share_its_parents_turn(tmp_path):
    """A descriptor inherited across fork would share the parent's lock: the child opens its
    own, and waits for the parent's turn to end."""
    turn = WritersTurn(str(tmp_path / "ledger.sqlite3-writers"), patience=5)
    with turn.taken():
        pass  # the parent's descriptor is open now
    child_went_on = FORK.Value("d", 0.0)

    def child() -> None:
        with turn.taken():
            child_went_on.value = time.monotonic()

    with turn.taken():
        process = FORK.Process(target=child)
        process.start()
        time.sleep(0.3)
        parent_done = time.monotonic()
    process.join(10)
    assert process.exitcode == 0
    assert child_went_on.value >= parent_done


def test_past_its_patience_a_writer_goes_on_without_a_turn(tmp_path):
    """SQLite's own lock still guards the data: a turn held too long (a stopped process) only
    costs the patience, then SQLite's own wait decides."""
    path = str(tmp_path / "ledger.sqlite3-writers")
    with held_elsewhere(path, 3) as released:
        began = time.monotonic()
        with WritersTurn(path, patience=0.2).taken():
            went_on = time.monotonic()
        assert went_on - began >= 0.2
        assert released.value == 0.0  # the other still held its turn
