"""kill -9, again and again, under load: gunicorn's workers and the projection worker die in the
middle of whatever they were doing while clerks record entries through the API; and gunicorn's
master, or ``serve`` itself, dies, leaving its workers to notice and exit by themselves before
``serve`` is started again on the same port and database (as a service manager would).

Every entry acknowledged to a client is in the store exactly once; an entry that got no answer,
sent again, is recorded once; once the projection worker has caught up, the read model equals
a replay of the log (a rebuild). On SQLite and PostgreSQL.

Reduced size (CI): ``REDUCED_CYCLES`` (``MASTER_CYCLES``) cycles a store;
``LEDGER_FAULT_CYCLES=20`` for the full size.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time

import pytest

from tests.faults.harness import (
    Clerks,
    Projector,
    Serve,
    Web,
    alive,
    assert_ledger_whole,
    cycles,
    port_free,
    prepare,
    stored_entries,
    until_recording_again,
    wait_projected,
)

REDUCED_CYCLES = 3
TOWNSHIPS = 3
CLIENT_THREADS = 6
MASTER_CYCLES = 2  # one kill of gunicorn's master, one of serve itself
# A worker whose master died notices within a second (infra/web_worker.py checks its parent
# between turns of its I/O loop, of 1 s at most), stops accepting and finishes the requests it
# has begun to receive.
EXIT_SECONDS = 15.0
RECOVERY_SECONDS = 60.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fault_database(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.sqlite3"
    return request.getfixturevalue("make_postgres_database")()


def test_killed_workers_lose_nothing_and_record_nothing_twice(fault_database, tmp_path, capsys):
    url = fault_database
    tokens = prepare(url, TOWNSHIPS)
    rounds = cycles(REDUCED_CYCLES)
    chance = random.Random(rounds)  # the same pauses for the same size
    web = Web(url, tmp_path / "gunicorn.log")
    projector = Projector(url, tmp_path / "projector.log")
    killed = 0
    try:
        web.wait_ready()
        clerks = Clerks(web.port, tokens, threads=CLIENT_THREADS).start()
        for _ in range(rounds):
            time.sleep(chance.uniform(0.5, 1.5))  # recording goes on meanwhile
            killed += web.kill_workers()
            projector.kill()
            time.sleep(chance.uniform(0.0, 0.3))
            projector.start()
            web.wait_ready()
        time.sleep(1.0)  # recording, once more with every worker up
        outcome = clerks.finish()
        lag_seconds = wait_projected(url)
    finally:
        projector.stop()
        web.stop()

    stored = stored_entries(url, outcome)
    assert not outcome.refusals, outcome.refusals[:5]
    assert_ledger_whole(url, outcome, stored, sorted(tokens))
    assert stored.entries == len(outcome.sent)
    assert outcome.statuses[500] == 0
    assert killed >= rounds  # the faults happened
    with capsys.disabled():
        print(
            f"\n[faults] {url.split(':')[0]}: {rounds} cycles, {killed} web workers and"
            f" {rounds} projection workers killed; {len(outcome.sent)} entries sent,"
            f" {sum(outcome.acknowledged.values())} acknowledged, {outcome.resent} resent"
            f" ({outcome.resent_found_recorded} found already recorded), duplicates"
            f" {len(stored.duplicates)}; answers {dict(outcome.statuses)}; projection caught"
            f" up {lag_seconds:.2f} s after the load"
        )


def test_killed_master_leaves_no_worker_behind_and_serve_starts_again(
    fault_database, tmp_path, capsys
):
    """Cycle by cycle, kill -9 of gunicorn's master (``serve`` then exits by itself, not 0) or
    of ``serve`` (the kernel sends gunicorn SIGTERM: PR_SET_PDEATHSIG): every process of the
    old ``serve`` ends by itself, the port is free, SQLite's file is not locked, and ``serve``
    started again on them records the clients' entries, old and new."""
    url = fault_database
    tokens = prepare(url, TOWNSHIPS)
    rounds = cycles(MASTER_CYCLES)
    chance = random.Random(rounds)
    serve = Serve(url, tmp_path / "serve.log")
    exits: list[float] = []  # seconds from the kill until no process of that serve was left
    recovered_in: list[float] = []
    statuses: list[int | None] = []  # serve's exit statuses
    try:
        serve.wait_ready()
        clerks = Clerks(serve.port, tokens, threads=CLIENT_THREADS).start()
        for cycle in range(rounds):
            time.sleep(chance.uniform(0.5, 1.5))  # recording goes on meanwhile
            processes = serve.processes()
            assert len(processes) == 4, processes  # serve, the master, 2 workers
            master_killed = cycle % 2 == 0
            os.kill(processes[1] if master_killed else processes[0], signal.SIGKILL)
            began = time.monotonic()
            while any(map(alive, processes)) and time.monotonic() - began < EXIT_SECONDS:
                time.sleep(0.05)
            left = [pid for pid in processes if alive(pid)]
            assert left == [], f"{left} still running {EXIT_SECONDS} s on:\n{serve.log()}"
            exits.append(time.monotonic() - began)
            statuses.append(serve.process.wait(timeout=5))
            if master_killed:  # what the operator reads in serve's log
                assert "error: gunicorn stopped (killed by SIGKILL)" in serve.log()
            assert port_free(serve.port), "a process still listens on serve's port"
            if url.startswith("sqlite:"):
                assert writable(url.removeprefix("sqlite:///")), "the SQLite file is locked"
            serve.start()
            serve.wait_ready()
            recovered_in.append(until_recording_again(clerks, RECOVERY_SECONDS))
        time.sleep(1.0)  # recording, once more with every process up
        outcome = clerks.finish()
        lag_seconds = wait_projected(url)  # serve's own projection worker
    finally:
        serve.stop()

    stored = stored_entries(url, outcome)
    assert not outcome.refusals, outcome.refusals[:5]
    assert_ledger_whole(url, outcome, stored, sorted(tokens))
    assert stored.entries == len(outcome.sent)
    assert outcome.statuses[500] == 0
    assert max(recovered_in) < RECOVERY_SECONDS
    # serve whose gunicorn died says so (a service manager restarts it on failure); serve
    # killed is the kernel's -9.
    assert all(status == (255 & -signal.SIGKILL) for status in statuses[::2]), statuses
    assert all(status == -signal.SIGKILL for status in statuses[1::2]), statuses
    with capsys.disabled():
        print(
            f"\n[faults] {url.split(':')[0]}: {rounds} masters killed"
            f" ({(rounds + 1) // 2} gunicorn's, {rounds // 2} serve's): every process gone"
            f" {max(exits):.2f} s after the kill at most; recording again"
            f" {max(recovered_in):.2f} s after serve was started again at most;"
            f" {len(outcome.sent)} entries sent, {outcome.resent} resent"
            f" ({outcome.resent_found_recorded} found already recorded), duplicates"
            f" {len(stored.duplicates)}; answers {dict(outcome.statuses)}; projection caught"
            f" up {lag_seconds:.2f} s after the load"
        )


def writable(path: str) -> bool:
    """No other connection holds SQLite's write lock on the file."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
