"""Signed-in sessions: sign-in held back after repeated failures, a session honoured only
while the user's session number is unchanged and it was not signed out of, password
changes that end the others, and two-factor sign-in (enrolment, and the second step)."""

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
from domain.access import Principal, Role
from domain.errors import InvalidField, NotFound, RuleBroken, Unauthenticated
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
from domain.two_factor import must_enrol, recovery_form
from services import two_factor
from services.entries import UnitOfWork
from services.tenancy import Tenancy, principal_of


class AttemptStore(Protocol):
    """Moments counted under keys (failed sign-ins, tokens issued) and marks, shared by every
    process serving the installation."""

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        """How many moments each key has recorded since ``since``."""

    def record(self, keys: list[str], at: datetime) -> None: ...

    def take(
        self,
        keys: list[str],
        since: datetime,
        at: datetime,
        allow: Callable[[dict[str, int]], None],
    ) -> str:
        """In one step no other process comes between: each key's count since ``since`` given
        to ``allow``, which raises to refuse (then nothing is recorded), and a moment ``at``
        recorded under each key. Returns the step's ticket (``give_back``)."""

    def give_back(self, keys: list[str], ticket: str) -> None:
        """Forget the moments a ``take`` recorded (an attempt that turned out right)."""

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
        self._tickets: dict[str, datetime] = {}
        self._lock = threading.RLock()  # ``allow`` may ask the store again

    def counts(self, keys: list[str], since: datetime) -> dict[str, int]:
        with self._lock:
            return {k: sum(1 for at in self._seen.get(k, ()) if at >= since) for k in keys}

    def record(self, keys: list[str], at: datetime) -> None:
        self.take(keys, at, at, lambda counts: None)

    def take(self, keys, since, at, allow) -> str:
        with self._lock:
            allow(self.counts(keys, since))
            ticket = secrets.token_hex(16)
            for key in keys:
                self._seen.setdefault(key, []).append(at)
            self._tickets[ticket] = at
            return ticket

    def give_back(self, keys: list[str], ticket: str) -> None:
        with self._lock:
            at = self._tickets.pop(ticket, None)
            for key in keys:
                with contextlib.suppress(ValueError):
                    self._seen.get(key, []).remove(at)

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
    # What the user must do before anything else: "code" (the password was right, the second
    # factor is still to give: not signed in yet), "enrolment" (signed in, to enrol first).
    pending: str | None = None
    # Signed in with a one-time password: it only lets them choose their own.
    must_change_password: bool = False


@dataclass(frozen=True)
class Enrolment:
    """A secret offered to a user to enrol with (kept by the page until confirmed)."""

    secret: str
    uri: str


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
        *,
        two_factor_required: bool = False,
    ) -> None:
        self.tenancy = tenancy
        self.attempts = attempts
        self.clock = clock
        self.two_factor_required = two_factor_required

    def sign_in(
        self, *, username: str, password: str, client: str, otp: str | None = None
    ) -> SignedIn:
        """The user's principal and session number; refused without saying which of the
        name or the password was wrong, and held back after repeated failures
        (domain/signin.py says how). A user enrolled in two-factor sign-in gives ``otp`` too
        (a wrong one counts as a failure); without it the answer is pending "code"."""
        attempt, ticket = self._take(username, client)
        self.tenancy.authenticate(username=username, password=password)
        user = self._user(username)
        if user.two_factor_enrolled:
            if otp is None:
                self.attempts.give_back(attempt.counted, ticket)
                return SignedIn(principal_of(user), user.session_version, "", pending="code")
            self._second_factor(user, otp)
        return self._signed_in(attempt, ticket, user)

    def confirm_code(self, *, username: str, otp: str, client: str) -> SignedIn:
        """The second step of a sign-in whose password was right (``pending`` "code"),
        throttled with the first."""
        attempt, ticket = self._take(username, client)
        user = self._user(username)
        self.tenancy.check_may_sign_in(user)  # disabled, or suspended, since the password
        self._second_factor(user, otp)
        return self._signed_in(attempt, ticket, user)

    def _take(self, username: str, client: str) -> tuple[Attempt, str]:
        values.code_text("username", username)  # storable, before it is counted
        attempt = Attempt(username, client)
        now = self.clock()
        since = window_start(now)

        def allow(failures: dict[str, int]) -> None:
            check_not_throttled(attempt, failures)
            if is_paced(attempt, failures) and not self.attempts.remembered(
                attempt.familiar, familiar_since(now)
            ):
                latest = self.attempts.latest(attempt.of_name, since)
                check_pace(failures[attempt.of_name], latest, now)

        # Counted as a failure before the password is checked, in the step that checks the
        # count: parallel guesses cannot all pass on one count. Given back when it is right.
        return attempt, self.attempts.take(attempt.counted, since, now, allow)

    def _signed_in(self, attempt: Attempt, ticket: str, user: User) -> SignedIn:
        self.attempts.give_back(attempt.counted, ticket)
        self.attempts.clear(attempt.pair)
        self.attempts.remember(attempt.familiar, self.clock())
        principal = principal_of(user)
        pending = "enrolment" if self.must_enrol(user) else None
        return SignedIn(
            principal,
            user.session_version,
            secrets.token_urlsafe(24),
            pending,
            user.must_change_password,
        )

    def _second_factor(self, user: User, otp: object) -> None:
        """The code of the user's app (each used once) or one of their recovery codes,
        spent in the ledger; NotFound (naming ``otp``) when it is neither."""
        wrong = NotFound("two_factor.wrong", field="otp")
        if not isinstance(otp, str) or not user.two_factor_enrolled:
            raise wrong
        step = two_factor.matching_step(user.two_factor_secret, otp.strip(), self.clock())
        try:
            if step is not None:
                user.use_code(step)
            else:
                user.use_recovery_code(digest(recovery_form(otp)))
            self.tenancy.app.save(user)
        except (InvalidField, IntegrityError):  # spent, or spent by another sign-in meanwhile
            raise wrong from None

    def must_enrol(self, user: User) -> bool:
        return must_enrol(
            Role(user.role), enrolled=user.two_factor_enrolled, required=self.two_factor_required
        )

    def two_factor_enrolled(self, principal: Principal) -> bool:
        return self._user(principal.username).two_factor_enrolled

    def offer_enrolment(self, principal: Principal) -> Enrolment:
        """A new secret for the user's authenticator app, recorded nowhere until confirmed."""
        secret = two_factor.new_secret()
        return Enrolment(secret, two_factor.provisioning_uri(secret, principal.username))

    def enrolment(self, principal: Principal, secret: str) -> Enrolment:
        return Enrolment(secret, two_factor.provisioning_uri(secret, principal.username))

    def enrol(self, principal: Principal, *, secret: str, otp: str) -> list[str]:
        """Enrol the user with ``secret``, once the app shows it holds it (``otp``, its code
        now). Returns the recovery codes, which the ledger keeps only as digests: shown once."""
        user = self._user(principal.username)
        if user.two_factor_enrolled:
            raise RuleBroken("two_factor.already_enrolled", field="otp")
        if not two_factor.is_secret(secret):
            raise InvalidField("secret", "two_factor.wrong")
        step = two_factor.matching_step(secret, (otp or "").strip(), self.clock())
        if step is None:
            raise InvalidField("otp", "two_factor.wrong")
        codes = two_factor.new_recovery_codes()
        digests = [digest(recovery_form(code)) for code in codes]
        user.enrol_two_factor(secret=secret, recovery_digests=digests, step=step)
        try:
            self.tenancy.app.save(user)
        except IntegrityError:  # enrolled (or changed) by another request meanwhile
            raise RuleBroken("two_factor.already_enrolled", field="otp") from None
        return codes

    def count_token(self, principal: Principal) -> None:
        """One more token issued to the principal's user, refused (``Throttled``) past
        domain/token.py's limit; counted where every process sees it."""
        key, now = issued_key(principal.username), self.clock()
        self.attempts.take([key], now - ISSUE_WINDOW, now, lambda counts: check_issue(counts[key]))

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

    def change_own_password(
        self, *, username: str, password: str, new: str, client: str, otp: str | None = None
    ) -> None:
        """A user who knows their password (a one-time one too) chooses a new one: the
        API's ``POST /password``, throttled as signing in is; one enrolled in two-factor
        sign-in gives the code of their app (or a recovery code) too."""
        try:
            signed_in = self.sign_in(username=username, password=password, client=client, otp=otp)
        except NotFound as wrong:
            if wrong.field == "otp":
                raise Unauthenticated("two_factor.wrong", field="otp") from None
            raise Unauthenticated("signin.wrong", field=wrong.field) from None
        if signed_in.pending == "code":
            raise Unauthenticated("two_factor.needed", field="otp")
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
