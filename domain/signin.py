"""Signing in: what a password must be, and when failed attempts hold further ones back."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import InvalidField, Throttled

MIN_PASSWORD_LENGTH = 8
# Failed sign-ins counted over a sliding window, per user name and per client address.
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20


def check_password(field: str, password: str) -> str:
    if (
        not isinstance(password, str)
        or len(password) < MIN_PASSWORD_LENGTH
        or not password.isprintable()
    ):
        raise InvalidField(field, f"must have at least {MIN_PASSWORD_LENGTH} printable characters")
    return password


def throttle_keys(username: str, client: str) -> dict[str, int]:
    """The counters a sign-in attempt is held against, with the failures each allows."""
    return {f"user:{username}": MAX_FAILURES_PER_USER, f"client:{client}": MAX_FAILURES_PER_CLIENT}


def window_start(now: datetime) -> datetime:
    return now - FAILURE_WINDOW


def check_not_throttled(failures: dict[str, int], allowed: dict[str, int]) -> None:
    """Refuse an attempt once any counter has reached what it allows."""
    for key, limit in allowed.items():
        if failures.get(key, 0) >= limit:
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            raise Throttled(
                f"too many failed sign-ins; try again in {minutes} minutes", field="password"
            )
