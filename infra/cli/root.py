"""The ``township-ledger`` command line: the public contract of DOMAIN.md.

Exit codes: 0 success, 1 the ledger refused (bad input, not found, rule broken), 2 usage.
Errors go to stderr, one readable line each.

``main`` is the group every command joins (``infra/cli/__init__.py`` adds them, module by
module); ``Context`` opens the ledger once, for the command that needs it.
"""

from __future__ import annotations

import click

from domain.access import Principal
from infra.cli.errors import LedgerGroup
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services


class Context:
    def __init__(self, database: str | None, as_user: str | None) -> None:
        self.settings = Settings.from_env(database_url=database)
        self.as_user = as_user
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = open_ledger(self.settings)
        return self._services

    @property
    def principal(self) -> Principal:
        if self.as_user:
            return self.services.tenancy.principal(username=self.as_user)
        return Principal.operator()

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


@click.group(cls=LedgerGroup)
@click.option("--database", metavar="URL", help="Overrides LEDGER_DATABASE_URL.")
@click.option(
    "--as",
    "as_user",
    metavar="USERNAME",
    help="Act as this user, with their rights (default: the operator).",
)
@click.pass_context
def main(ctx: click.Context, database: str | None, as_user: str | None) -> None:
    """Township ledger: record, report and audit townships' rule-of-law work."""
    context = Context(database, as_user)
    ctx.obj = context
    ctx.call_on_close(context.close)
