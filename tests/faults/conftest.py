"""The fault tests' own PostgreSQL cluster, for the tests that stop it or that must not meet
the shared server's limits (its connections are shared with every other test run).

One cluster for the run (initdb takes seconds, many on a loaded machine): each test makes
databases of its own on it, and finds it running whatever the test before left it in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.clusters import PrivateCluster, binaries
from tests.conftest import missing


@pytest.fixture(scope="session")
def _private_cluster() -> Iterator[PrivateCluster]:
    bin_dir = binaries()
    if bin_dir is None:
        missing("no PostgreSQL server binaries (initdb, pg_ctl) to run a private cluster")
    made = PrivateCluster(bin_dir)
    try:
        yield made
    finally:
        made.destroy()


@pytest.fixture
def cluster(_private_cluster: PrivateCluster) -> PrivateCluster:
    if not _private_cluster.running():
        _private_cluster.start()
    return _private_cluster
