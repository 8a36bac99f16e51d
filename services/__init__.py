"""Use cases. ``open_services`` is the one place that constructs the application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.application import LedgerApplication
from services.entries import Entries
from services.interchange import Interchange
from services.tenancy import Tenancy


@dataclass(frozen=True)
class Services:
    app: LedgerApplication
    tenancy: Tenancy
    entries: Entries
    interchange: Interchange

    def close(self) -> None:
        self.app.close()


def open_services(env: Mapping[str, str]) -> Services:
    """Open the ledger on the store ``env`` describes (eventsourcing's persistence settings)."""
    app = LedgerApplication(env)
    tenancy = Tenancy(app)
    entries = Entries(app, tenancy)
    return Services(app, tenancy, entries, Interchange(app, tenancy, entries))
