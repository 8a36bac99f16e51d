"""The composition root shared by the command line, the worker and the web app."""

from __future__ import annotations

from infra.read_model import open_view
from infra.settings import Settings
from services import Services, open_services


def open_ledger(settings: Settings) -> Services:
    """Open the event store (creating its tables if need be) and the read model beside it."""
    env = {**settings.event_store_env(), "CREATE_TABLE": "y"}
    return open_services(env, view=open_view(env))
