"""Signing in: what a password must be, and when failed attempts hold further ones back.

Guessing is held back without letting a stranger lock a user out (the OWASP Authentication
Cheat Sheet's advice against plain account lockout): failures are counted over a sliding
window per (name, address) and per address, and those two counters refuse; the failures of a
name from every address only slow down the attempts on that name from addresses the user has
not signed in from lately, to one attempt per pause (a second at the ceiling, doubling with
each failure beyond it, at most a minute). The user's own familiar address is never slowed,
whoever else is guessing their password.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources

from domain.errors import InvalidField, Throttled

MIN_PASSWORD_LENGTH = 8
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_PAIR = 5  # one name from one address
MAX_FAILURES_PER_CLIENT = 20  # one address, whatever the names
NAME_CEILING = 10  # one name from every address: past it, unfamiliar addresses are slowed
SLOWEST = timedelta(minutes=1)
FAMILIAR_FOR = timedelta(days=30)  # an address the user signed in from stays familiar


def check_password(field: str, password: str) -> str:
    """A password being set: long enough, printable, and not one of the commonest. (Signing in
    checks none of this: a password set before a rule was made still signs in.)"""
    if (
        not isinstance(password, str)
        or len(password) < MIN_PASSWORD_LENGTH
        or not password.isprintable()
    ):
        raise InvalidField(field, "password.too_short", least=MIN_PASSWORD_LENGTH)
    if password.lower() in common_passwords():
        raise InvalidField(field, "password.too_common")
    return password


@cache
def common_passwords() -> frozenset[str]:
    """The commonest passwords of at least ``MIN_PASSWORD_LENGTH`` characters, in lower case
    (common_passwords.txt: those of Django's list of 20,000, itself from leaked password
    sets)."""
    text = resources.files("domain").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(text.split())


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt: a name from a client address, and the counters it is held to."""

    username: str
    client: str

    @property
    def pair(self) -> str:
        return "pair:" + json.dumps([self.username, self.client], ensure_ascii=False)

    @property
    def from_client(self) -> str:
        return f"client:{self.client}"

    @property
    def of_name(self) -> str:
        return f"user:{self.username}"

    @property
    def counted(self) -> list[str]:
        """The counters a failure of this attempt adds to."""
        return [self.pair, self.from_client, self.of_name]

    @property
    def familiar(self) -> str:
        """Marked when the user signs in from this address."""
        return "familiar:" + json.dumps([self.username, self.client], ensure_ascii=False)


def window_start(now: datetime) -> datetime:
    return now - FAILURE_WINDOW


def familiar_since(now: datetime) -> datetime:
    return now - FAMILIAR_FOR


def check_not_throttled(attempt: Attempt, failures: dict[str, int]) -> None:
    """Refuse an attempt once its (name, address) or its address has failed too often."""
    limits = {attempt.pair: MAX_FAILURES_PER_PAIR, attempt.from_client: MAX_FAILURES_PER_CLIENT}
    for key, limit in limits.items():
        if failures.get(key, 0) >= limit:
            raise Throttled(
                "signin.throttled",
                field="password",
                retry_after=int(FAILURE_WINDOW.total_seconds()),
                minutes=int(FAILURE_WINDOW.total_seconds() // 60),
            )


def is_paced(attempt: Attempt, failures: dict[str, int]) -> bool:
    """Whether the name has failed so often that unfamiliar addresses are slowed down."""
    return failures.get(attempt.of_name, 0) >= NAME_CEILING


def pause(failures_of_name: int) -> timedelta:
    """How long after a name's latest failure its next attempt from an unfamiliar address
    waits."""
    beyond = max(failures_of_name - NAME_CEILING, 0)
    return min(timedelta(seconds=2 ** min(beyond, 16)), SLOWEST)


def check_pace(failures_of_name: int, latest: datetime | None, now: datetime) -> None:
    """Refuse an attempt from an unfamiliar address during the name's pause."""
    if latest is None:
        return
    wait = (latest + pause(failures_of_name) - now).total_seconds()
    if wait > 0:
        seconds = math.ceil(wait)
        raise Throttled("signin.slowed", field="password", retry_after=seconds, seconds=seconds)
