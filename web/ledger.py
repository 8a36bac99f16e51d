"""What every view needs: the services, the signed-in principal, read-your-writes."""

from __future__ import annotations

from flask import current_app, session
from flask_login import current_user

from services import Services

SEEN = "seen"  # the log position of the user's own last write


def services() -> Services:
    return current_app.extensions["ledger"]


def principal():
    return current_user.principal


def wrote(position: int | None) -> None:
    """Remember the position of a write, so that the next pages show it."""
    if position is not None:
        session[SEEN] = max(position, session.get(SEEN, 0))


def catch_up_to_own_writes() -> None:
    """Wait until the read model holds the user's own writes (never project anything here:
    the projection worker does). Where no worker runs, the page's queries project first
    (``refresh_before_reads``): nothing to wait for."""
    position = session.get(SEEN)
    read_model = services().read_model
    if position and not read_model.refresh_before_reads:
        timeout = current_app.extensions["ledger.config"].read_wait_seconds
        read_model.wait_for(position, timeout=timeout)
