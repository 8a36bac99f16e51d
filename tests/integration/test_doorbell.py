"""On PostgreSQL the projection worker is woken by the store's NOTIFY (infra/doorbell.py), not
only by its polls; when its LISTEN connection drops it polls, and listens again."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from infra import doorbell
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.support import OPERATOR, Tenants

pytestmark = pytest.mark.postgres


@pytest.fixture
def following(postgres_url: str) -> Iterator[tuple[Services, list[bool]]]:
    """A ledger whose worker follows with a doorbell; every wait's answer (True: rung)."""
    services = open_ledger(Settings(database_url=postgres_url))
    answers: list[bool] = []
    make = services.read_model.doorbell
    assert make is not None

    def watched() -> doorbell.PostgresDoorbell:
        bell = make()
        wait = bell.wait

        def watched_wait(seconds: float, stop: threading.Event) -> bool:
            answers.append(None)  # waiting
            answers[-1] = wait(seconds, stop)
            return answers[-1]

        bell.wait = watched_wait
        return bell

    services.read_model.doorbell = watched
    services.read_model.refresh_before_reads = False
    stop = threading.Event()
    worker = threading.Thread(
        target=services.read_model.follow, args=(stop,), kwargs={"interval": 0.2}, daemon=True
    )
    worker.start()
    try:
        yield services, answers
    finally:
        stop.set()
        worker.join(timeout=30)
        services.close()


def _waiting(services: Services, answers: list) -> int:
    """Once the worker has projected everything recorded and waits: which wait it is."""
    assert services.read_model.wait_for(services.read_model.recorded_position(), timeout=30)
    for _ in range(300):
        if answers and answers[-1] is None:
            return len(answers) - 1
        threading.Event().wait(0.1)
    raise AssertionError("the worker does not wait")


def _rung(answers: list, since: int) -> bool:
    """Did a wait from ``since`` on end rung (the one a write ended is over by the time the
    entry is projected, or soon after)?"""
    for _ in range(100):
        if True in answers[since:]:
            return True
        threading.Event().wait(0.1)
    return False


def _listeners_cut(postgres_url: str) -> bool:
    """End the worker's LISTEN connection, once it has one (on a slow machine the first entry
    may be projected by a poll before the worker has started listening)."""
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        for _ in range(300):
            ended = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE query LIKE 'LISTEN %%' AND datname = current_database()"
            ).fetchall()
            if ended:
                return True
            threading.Event().wait(0.1)
    return False


def _record(services: Services, township: str, entry_id: str) -> int:
    return services.entries.record(
        OPERATOR, township=township, type="dispute_registered", entry_id=entry_id,
        occurred_on="2024-03-01", fields={"source": "screening", "category": "邻里"},
    ).position  # fmt: skip


def test_a_write_rings_the_worker_awake(following) -> None:
    services, answers = following
    township = Tenants(services).township()
    waiting = _waiting(services, answers)
    position = _record(services, township, "D-1")
    assert services.read_model.wait_for(position, timeout=30)
    assert _rung(answers, waiting)  # woken by the write, not by a poll


def test_a_dropped_listener_falls_back_to_polling_and_listens_again(
    following, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(doorbell, "RECONNECT_PAUSE", 0.5)
    services, answers = following
    township = Tenants(services).township()
    assert services.read_model.wait_for(_record(services, township, "D-1"), timeout=30)
    assert _listeners_cut(postgres_url)  # the worker's listener was cut
    assert services.read_model.wait_for(_record(services, township, "D-2"), timeout=30)
    threading.Event().wait(1.0)  # past the pause before it listens again
    waiting = _waiting(services, answers)
    assert services.read_model.wait_for(_record(services, township, "D-3"), timeout=30)
    assert _rung(answers, waiting)  # listening again
