"""Signed-in sessions: sign-in held back after repeated failures, a session honoured only
while the user's session number is unchanged and it was not signed out of, and password
changes that end the others."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from argon2.exceptions import VerificationError
from eventsourcing.persistence import IntegrityError

from domain import values
from domain.access import Principal
from domain.errors import InvalidField, NotFound, Unauthenticated
from domain.sign_out import SignOut, sign_out_uuid
from domain.signin import (
    Attempt,
    check_not_throttled,
    check_pace,
    check_password,
    familiar_since,
    is_paced,
    window_start,
)
from domain.tenancy import User, user_uuid
from domain.token import ISSUE_WINDOW, check_issue, issued_key
from services.entries import UnitOfWork
from services.tenancy import Tenancy, principal_of


class AttemptStore(Protocol):
    """Moments counted under keys (failed sign-ins, tokens issued) and marks, shared by every
    process serving the installation."""

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        """How many moments each key has recorded since ``since``."""

    def record(self, keys: list[str], at: datetime) -> None: ...

    def clear(self, key: str) -> None: ...

    def latest(self, key: str, since: datetime) -> datetime | None: ...

    def remember(self, key: str, at: datetime) -> None:
        """Mark a key (a user's familiar address) as seen at ``at``."""

    def remembered(self, key: str, since: datetime) -> bool: ...


class InMemoryAttempts:
    """One process's moments and marks (tests, and the command line)."""

    def __init__(self) -> None:
        self._seen: dict[str, list[datetime]] = {}
        self._marks: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        with self._lock:
            return {k: sum(1 for at in self._seen.get(k, ()) if at >= since) for k in keys}

    def record(self, keys: list[str], at: datetime) -> None:
        with self._lock:
            for key in keys:
                self._seen.setdefault(key, []).append(at)

    def clear(self, key: str) -> None:
        with self._lock:
            self._seen.pop(key, None)

    def latest(self, key: str, since: datetime) -> datetime | None:
        with self._lock:
            return max((at for at in self._seen.get(key, ()) if at >= since), default=None)

    def remember(self, key: str, at: datetime) -> None:
        with self._lock:
            self._marks[key] = at

    def remembered(self, key: str, since: datetime) -> bool:
        with self._lock:
            return key in self._marks and self._marks[key] >= since


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_version: int
    session_id: str  # this session's own, random: signing out ends it (``Accounts.sign_out``)
    # Signed in with a one-time password: it only lets them choose their own.
    must_change_password: bool = False


@dataclass(frozen=True)
class Session:
    principal: Principal
    must_change_password: bool


def digest(secret: str) -> str:
    """What the ledger keeps of a secret (a token, a session's id): its SHA-256."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class Accounts:
    def __init__(
        self,
        tenancy: Tenancy,
        attempts: AttemptStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.tenancy = tenancy
        self.attempts = attempts
        self.clock = clock

    def sign_in(self, *, username: str, password: str, client: str) -> SignedIn:
        """The user's principal and session number; refused without saying which of the
        name or the password was wrong, and held back after repeated failures
        (domain/signin.py says how)."""
        values.code_text("username", username)  # storable, before it is counted
        attempt = Attempt(username, client)
        now = self.clock()
        since = window_start(now)
        failures = self.attempts.counts(attempt.counted, since)
        check_not_throttled(attempt, failures)
        if is_paced(attempt, failures) and not self.attempts.remembered(
            attempt.familiar, familiar_since(now)
        ):
            latest = self.attempts.latest(attempt.of_name, since)
            check_pace(failures[attempt.of_name], latest, now)
        try:
            principal = self.tenancy.authenticate(username=username, password=password)
        except NotFound:
            self.attempts.record(attempt.counted, now)
            raise
        self.attempts.clear(attempt.pair)
        self.attempts.remember(attempt.familiar, now)
        user = self._user(username)
        return SignedIn(
            principal,
            user.session_version,
            secrets.token_urlsafe(24),
            user.must_change_password,
        )

    def count_token(self, principal: Principal) -> None:
        """One more token issued to the principal's user, refused (``Throttled``) past
        domain/token.py's limit; counted where every process sees it."""
        key, now = issued_key(principal.username), self.clock()
        check_issue(self.attempts.counts([key], now - ISSUE_WINDOW)[key])
        self.attempts.record([key], now)

    def session(self, *, username: str, version: int, session_id: str) -> Principal | None:
        """The principal of a session, or None when it was signed out of or the user's
        sessions were ended since (read in one query where the store can)."""
        found = self.session_of(username=username, version=version, session_id=session_id)
        return found.principal if found else None

    def session_of(self, *, username: str, version: int, session_id: str) -> Session | None:
        """The session's principal and whether it must change its password first; None when
        it was signed out of, the user's sessions were ended since (a password changed or
        reset, the user disabled), or the user's county is suspended."""
        user_id, ended_id = user_uuid(username), sign_out_uuid(digest(session_id))
        uow = UnitOfWork(self.tenancy.app)
        uow.prefetch([user_id, ended_id])
        user, ended = uow.get_aggregate(user_id), uow.get_aggregate(ended_id)
        if user is None or user.session_version != version or ended is not None:
            return None
        if user.disabled or self.tenancy.suspended(user):
            return None
        return Session(principal_of(user), user.must_change_password)

    def change_own_password(self, *, username: str, password: str, new: str, client: str) -> None:
        """A user who knows their password (a one-time one too) chooses a new one: the
        API's ``POST /password``, throttled as signing in is."""
        try:
            signed_in = self.sign_in(username=username, password=password, client=client)
        except NotFound as wrong:
            raise Unauthenticated("signin.wrong", field=wrong.field) from None
        self.change_password(signed_in.principal, current=password, new=new)

    def sign_out(self, principal: Principal, *, session_id: str) -> None:
        """End this session for good: a copy of its cookie is refused from now on, by every
        process. (Signing out of it twice at once records it once.)"""
        ended = SignOut(digest=digest(session_id), username=principal.username)
        with contextlib.suppress(IntegrityError):  # the other sign-out recorded it
            self.tenancy.app.save(ended)

    def change_password(self, principal: Principal, *, current: str, new: str) -> int:
        """Change the signed-in user's password; every session of theirs ends. Returns the
        new session number (the session that changed it carries on with it)."""
        user = self._user(principal.username)
        try:
            self.tenancy.hasher.verify(user.password_hash, current)
        except VerificationError:
            raise InvalidField("current_password", "password.not_current") from None
        check_password("new_password", new)
        if new == current:
            raise InvalidField("new_password", "password.unchanged")
        user.change_password_hash(self.tenancy.hasher.hash(new))
        self.tenancy.app.save(user)
        return user.session_version

    def _user(self, username: str) -> User:
        return self.tenancy.app.repository.get(user_uuid(username))
