"""First run: ``serve`` on an empty database says how to create the first administrator, and
``admin create`` makes one who signs in (the only account made at the command line)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from infra.cli import main
from infra.cli.serve import FIRST_RUN
from infra.settings import event_store_env
from services import open_services
from tests.support import PASSWORD, unique

CLI = str(Path(sys.executable).parent / "township-ledger")


def test_admin_create_makes_an_administrator_who_signs_in(tmp_path):
    database = f"sqlite:///{tmp_path}/first.sqlite3"
    username = unique("admin")
    runner = CliRunner()
    made = runner.invoke(
        main, ["--database", database, "admin", "create", username], input=PASSWORD + "\n"
    )
    assert (made.exit_code, made.stdout.strip()) == (
        0,
        f"administrator {username}: sign in at /login",
    )
    again = runner.invoke(
        main, ["--database", database, "admin", "create", username], input=PASSWORD + "\n"
    )
    assert again.exit_code == 1
    assert again.stderr.strip() == f"error: username: user {username} already exists"
    short = runner.invoke(
        main, ["--database", database, "admin", "create", unique("admin")], input="short\n"
    )
    assert short.exit_code == 1 and "password" in short.stderr
    services = open_services(event_store_env(database))
    try:
        principal = services.tenancy.authenticate(username=username, password=PASSWORD)
        assert principal.role.value == "admin"
    finally:
        services.close()


def test_serve_on_an_empty_database_says_how_to_begin(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "LEDGER_DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3",
        "LEDGER_SECRET_KEY": "first-run",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--workers", "1"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(600):
                if FIRST_RUN in log.read_text() or process.poll() is not None:
                    break
                time.sleep(0.1)
            assert FIRST_RUN in log.read_text()
            assert "township-ledger admin create USERNAME" in FIRST_RUN
        finally:
            process.terminate()
            process.wait(timeout=60)
