"""gunicorn's workers starting at once on a new PostgreSQL database (the first start of an
installation, as the kill test found it): each makes the tables it needs, and none fails to
boot because another made one at the same moment."""

from __future__ import annotations

import threading

from infra.settings import Settings
from infra.throttle import open_attempts

WORKERS = 8
ROUNDS = 5  # new databases: the race is a matter of timing


def test_workers_opening_a_new_database_at_once_all_start(cluster):
    """On the test's own cluster: the shared server may be short of connections."""
    failures: list[BaseException] = []
    for _ in range(ROUNDS):
        settings = Settings(database_url=cluster.new_database())
        together = threading.Barrier(WORKERS)

        def start(settings: Settings = settings, together: threading.Barrier = together) -> None:
            together.wait()
            try:
                open_attempts(settings)
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=start) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert failures == []
