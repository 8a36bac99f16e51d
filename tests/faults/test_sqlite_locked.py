"""A SQLite database locked by another connection while the workers start: gunicorn's workers
and the projection worker wait for it, and once it is released they serve writes (none of them
is left holding a lock it never releases, none fails to boot).

Two starting points: a database already in WAL mode (as ``serve`` leaves it), and one still in
SQLite's default journal mode, whose switch to WAL needs the file to itself.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from tests.faults.harness import (
    Clerks,
    Projector,
    Web,
    chains_verified,
    get,
    prepare,
    stored_entries,
    wait_projected,
)

LOCKED_SECONDS = 3.0


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_workers_starting_on_a_locked_database_recover(journal, tmp_path, capsys):
    path = tmp_path / "ledger.sqlite3"
    url = f"sqlite:///{path}"
    tokens = prepare(url, 2)
    holder = sqlite3.connect(path, isolation_level=None)
    assert holder.execute(f"PRAGMA journal_mode={journal}").fetchone()[0] == journal
    holder.execute("BEGIN EXCLUSIVE")  # no other connection writes (nor reads, but in WAL)
    released = False
    web = Web(url, tmp_path / "gunicorn.log")
    projector = Projector(url, tmp_path / "projector.log")
    try:
        # The workers start and meet the lock meanwhile: asked all along, none answers (a
        # connection waits in the listening socket's queue, or is refused before gunicorn
        # listens).
        answered_while_locked = None
        began = time.monotonic()
        while answered_while_locked is None:
            left = LOCKED_SECONDS - (time.monotonic() - began)
            if left <= 0:
                break
            answered_while_locked = get(web.port, "/healthz", timeout=left)[0]
            time.sleep(0.05)
        assert web.process.poll() is None, web.log()
        assert projector.process.poll() is None
        holder.execute("ROLLBACK")
        released = True
        web.wait_ready()
        clerks = Clerks(web.port, tokens, threads=4).start()
        time.sleep(2.0)
        outcome = clerks.finish(timeout=60)
        lag_seconds = wait_projected(url, timeout=60)
        gunicorn_log = web.log()
    finally:
        if not released:
            holder.execute("ROLLBACK")
        holder.close()
        projector.stop()
        web.stop()

    assert answered_while_locked is None  # the workers met the lock: they were still starting
    assert projector.process.returncode in (0, -15), (tmp_path / "projector.log").read_text()
    assert "Worker failed to boot" not in gunicorn_log
    assert not outcome.refusals, outcome.refusals[:5]
    # Once released, no answer is missing or refused for the database: 409 is two workers
    # recording in one township at once (the client sends it again, as the API says).
    assert dict(outcome.statuses).keys() <= {200, 201, 409}, outcome.statuses
    assert len(outcome.sent) >= 20, "the workers recorded little or nothing"
    stored = stored_entries(url, outcome)
    assert stored.missing == [] and stored.duplicates == [] and stored.unasked == []
    assert chains_verified(url) is None
    with capsys.disabled():
        print(
            f"\n[faults] sqlite locked ({journal} journal) for {LOCKED_SECONDS:.0f} s while the"
            f" workers started: then {len(outcome.sent)} entries recorded, answers"
            f" {dict(outcome.statuses)}; projection caught up {lag_seconds:.2f} s after"
        )
