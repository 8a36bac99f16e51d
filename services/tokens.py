"""API tokens for scripts: issued for a password, presented as ``Authorization: Bearer``.

A token is ``USERNAME.SECRET``, the secret 32 random bytes; the ledger keeps only the SHA-256
digest of the whole token (``domain.token``). The name in front lets a request load the token
and its user in one query.
A token works until it expires, is revoked, or all its user's tokens are revoked (which a
password change does).

Recording with a token (``acting``) does not read the token and its user for every request: a
process keeps what it read, and the write's own transaction checks that neither has changed
since (``services.recording.FENCE``). A revocation stops the token's next write at once, in
every process, without a read of its own per request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.access import Principal
from domain.errors import Conflict, EnrolmentRequired, Forbidden, NotFound, Unauthenticated
from domain.tenancy import User, user_uuid
from domain.token import ApiToken, token_uuid
from services.accounts import Accounts, digest
from services.application import LedgerApplication
from services.entries import UnitOfWork
from services.recording import FENCE, FenceMoved
from services.tenancy import principal_of

LIFETIME = timedelta(days=30)
KEPT = 10_000  # tokens a process keeps looked up (``Tokens.acting``); past this it starts again
ATTEMPTS = 3  # of a write whose token or user changed while it was made

T = TypeVar("T")


@dataclass(frozen=True)
class Granted:
    """What a token was found to grant, and the versions of the token and its user then."""

    principal: Principal
    expires_at: datetime
    fence: tuple[tuple[UUID, int], ...]


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


class Tokens:
    def __init__(
        self,
        app: LedgerApplication,
        accounts: Accounts,
        *,
        lifetime: timedelta = LIFETIME,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.app = app
        self.accounts = accounts
        self.lifetime = lifetime
        self.clock = clock
        self._granted: dict[str, Granted] = {}  # by the token's digest

    def issue(
        self, *, username: str, password: str, client: str = "", otp: str | None = None
    ) -> IssuedToken:
        """A token for a user's password (and ``otp``, the code of their authenticator app or
        a recovery code, when they are enrolled in two-factor sign-in), throttled as the login
        page is (per name and per ``client``, the caller's address), and held back past
        domain/token.py's tokens an hour for the user (counted once the password is right: a
        stranger cannot spend them). A user who must enrol first gets no token
        (EnrolmentRequired)."""
        try:
            signed_in = self.accounts.sign_in(
                username=username, password=password, client=client, otp=otp
            )
        except NotFound as wrong:
            if wrong.field == "otp":
                raise Unauthenticated("two_factor.wrong", field="otp") from None
            raise Unauthenticated("signin.wrong", field=wrong.field) from None
        if signed_in.pending == "code":
            raise Unauthenticated("two_factor.needed", field="otp")
        if signed_in.pending == "enrolment":
            raise EnrolmentRequired("two_factor.enrolment_required")
        principal = signed_in.principal
        if signed_in.must_change_password:
            raise Forbidden("password.change_required", field="password")
        self.accounts.count_token(principal)
        secret = f"{principal.username}.{secrets.token_urlsafe(32)}"
        expires_at = self.clock() + self.lifetime
        token = ApiToken(digest=digest(secret), username=principal.username, expires_at=expires_at)
        self.app.save(token)
        return IssuedToken(secret, expires_at)

    def principal(self, secret: str) -> Principal:
        """Whose token this is; Unauthenticated when it is unknown, expired or revoked."""
        return self._look_up(secret, digest(secret)).principal

    def acting(self, secret: str, act: Callable[[Principal], T]) -> T:
        """``act`` (a write) with the principal of the token, looked up once per process and
        checked inside the write's transaction: if the token or its user changed since the
        lookup, nothing is written and it is looked up and tried again."""
        key = digest(secret)
        granted = self._granted.get(key)
        if granted is not None and not self.clock() < granted.expires_at:
            granted = None
        for _ in range(ATTEMPTS):
            if granted is None:
                granted = self._look_up(secret, key)
                if len(self._granted) >= KEPT:
                    self._granted.clear()
                self._granted[key] = granted
            fenced = FENCE.set(granted.fence)
            try:
                return act(granted.principal)
            except FenceMoved:
                self._granted.pop(key, None)
                granted = None
            finally:
                FENCE.reset(fenced)
        raise Conflict("token.changed_meanwhile")

    def _look_up(self, secret: str, key: str) -> Granted:
        username = secret.rpartition(".")[0]
        token_id, user_id = token_uuid(key), user_uuid(username)
        uow = UnitOfWork(self.app)
        uow.prefetch([token_id, user_id])  # one query where the store can
        token = uow.get_aggregate(token_id)
        user = uow.get_aggregate(user_id) if token is not None else None
        if (
            token is None
            or user is None
            or token.username != username
            or user.disabled
            or not token.accepted(now=self.clock(), valid_from=user.tokens_valid_from)
        ):
            raise _refused()
        fence = ((token_id, token.version), (user_id, user.version))
        return Granted(principal_of(user), token.expires_at, fence)

    def revoke(self, secret: str) -> None:
        """This token stops working."""
        token = self._token(secret)
        token.revoke()
        self.app.save(token)

    def revoke_all(self, principal: Principal) -> None:
        """Every token of the principal's user stops working."""
        user: User = self.app.repository.get(user_uuid(principal.username))
        user.revoke_tokens()
        self.app.save(user)

    def _token(self, secret: str) -> ApiToken:
        try:
            return self.app.repository.get(token_uuid(digest(secret)))
        except AggregateNotFoundError:
            raise _refused() from None


def _refused() -> Unauthenticated:
    return Unauthenticated("token.unknown")
