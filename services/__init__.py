"""Use cases. ``open_services`` is the one place that constructs the application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from projections.ledger import LedgerView
from projections.memory import InMemoryLedgerView
from services.application import LedgerApplication
from services.entries import Entries
from services.interchange import Interchange
from services.reporting import Reporting
from services.tenancy import Tenancy


@dataclass(frozen=True)
class Services:
    app: LedgerApplication
    tenancy: Tenancy
    entries: Entries
    interchange: Interchange
    reporting: Reporting

    def close(self) -> None:
        self.app.close()
        self.reporting.view.close()


def open_services(env: Mapping[str, str], view: LedgerView | None = None) -> Services:
    """Open the ledger on the store ``env`` describes (eventsourcing's persistence settings),
    with its read model in ``view`` (in memory when not given)."""
    app = LedgerApplication(env)
    tenancy = Tenancy(app)
    entries = Entries(app, tenancy)
    reporting = Reporting(app, tenancy, view or InMemoryLedgerView())
    return Services(app, tenancy, entries, Interchange(app, tenancy, entries), reporting)
