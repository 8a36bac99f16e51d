"""The fault tests' own PostgreSQL cluster, for the tests that stop it or that must not meet
the shared server's limits (its connections are shared with every other test run)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import missing
from tests.faults.private_postgres import PrivateCluster, binaries


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    bin_dir = binaries()
    if bin_dir is None:
        missing("no PostgreSQL server binaries (initdb, pg_ctl) to run a private cluster")
    made = PrivateCluster(bin_dir)
    try:
        made.start()
        yield made
    finally:
        made.destroy()
