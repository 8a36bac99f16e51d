"""PostgreSQL clusters of the tests' own (initdb and pg_ctl into a temporary folder, a free
port): one to stop and start under load (tests/faults), a primary with a streaming standby made
by pg_basebackup (tests/integration/test_replica.py). The machine's shared PostgreSQL is never
touched.

As root, the clusters are run as the ``postgres`` user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binaries() -> Path | None:
    """The newest installed server's bin folder, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _major(path: str) -> int:
    version = Path(path).parent.parent.name
    return int(version) if version.isdigit() else 0


class PrivateCluster:
    def __init__(self, bin_dir: Path, *, standby_of: PrivateCluster | None = None) -> None:
        """A new cluster: initdb's, or a streaming standby of ``standby_of`` (pg_basebackup of
        it, with the settings that make it follow its primary: ``-R``)."""
        self.bin = bin_dir
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="ledger-test-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self._as = []
        self._databases = itertools.count()
        if os.geteuid() == 0:
            postgres = pwd.getpwnam("postgres")
            os.chown(self.folder, postgres.pw_uid, postgres.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]
        if standby_of is None:
            self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        else:
            primary = ("-h", "127.0.0.1", "-p", standby_of.port, "-U", "postgres")
            self._run("pg_basebackup", "-D", self.data, *primary, "-R", "-X", "stream")

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args) -> None:
        command = [*self._as, str(self.bin / tool), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}{self.server_log()}")

    def server_log(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def running(self) -> bool:
        command = [*self._as, str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]
        return subprocess.run(command, capture_output=True, timeout=60).returncode == 0

    def new_database(self) -> str:
        """A database of its own on the cluster; its URL."""
        import psycopg

        name = f"ledger{next(self._databases)}"
        with psycopg.connect(self.admin_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def url(self, database: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{database}"

    def replayed(self, primary: PrivateCluster, *, timeout: float = 30.0) -> float:
        """Wait until this standby has replayed everything ``primary`` has written so far;
        the seconds it took."""
        import psycopg

        started = time.monotonic()
        with psycopg.connect(primary.admin_url, autocommit=True) as source:
            written = source.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        with psycopg.connect(self.admin_url, autocommit=True) as standby:
            while time.monotonic() - started < timeout:
                query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
                if standby.execute(query, [written]).fetchone()[0]:
                    return time.monotonic() - started
                time.sleep(0.01)
        raise AssertionError(f"the standby did not replay {written} in {timeout} s")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(RuntimeError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
