"""kill -9, again and again, under load: gunicorn's workers and the projection worker die in the
middle of whatever they were doing while clerks record entries through the API.

Every entry acknowledged to a client is in the store exactly once; an entry that got no answer,
sent again, is recorded once; once the projection worker has caught up, the read model equals
a replay of the log (a rebuild). On SQLite and PostgreSQL.

Reduced size (CI): ``REDUCED_CYCLES`` cycles a store; ``LEDGER_FAULT_CYCLES=20`` for the full size.
"""

from __future__ import annotations

import random
import time

import pytest

from tests.faults.harness import (
    Clerks,
    Projector,
    Web,
    chains_verified,
    cycles,
    prepare,
    read_model_mismatches,
    stored_entries,
    wait_projected,
)

REDUCED_CYCLES = 3
TOWNSHIPS = 3
CLIENT_THREADS = 6


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
    assert stored.duplicates == [] and stored.missing == [] and stored.unasked == []
    assert set(outcome.acknowledged) == outcome.sent  # every entry was acknowledged in the end
    assert stored.entries == len(outcome.sent)
    assert outcome.statuses[500] == 0
    assert killed >= rounds  # the faults happened
    assert read_model_mismatches(url, sorted(tokens)) == []
    assert chains_verified(url) is None
    with capsys.disabled():
        print(
            f"\n[faults] {url.split(':')[0]}: {rounds} cycles, {killed} web workers and"
            f" {rounds} projection workers killed; {len(outcome.sent)} entries sent,"
            f" {sum(outcome.acknowledged.values())} acknowledged, {outcome.resent} resent"
            f" ({outcome.resent_found_recorded} found already recorded), duplicates"
            f" {len(stored.duplicates)}; answers {dict(outcome.statuses)}; projection caught"
            f" up {lag_seconds:.2f} s after the load"
        )
