"""The ``township-ledger`` command line (``main``): the group of ``infra/cli/root.py`` with the
commands of each module added here, explicitly (no command joins by being imported)."""

from __future__ import annotations

from infra.cli import audit, ledger, reporting, serve
from infra.cli.root import main

for module in (ledger, reporting, audit, serve):
    for command in module.COMMANDS:
        main.add_command(command)

__all__ = ["main"]
