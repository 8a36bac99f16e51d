"""API tokens for scripts: issued for a password, presented as ``Authorization: Bearer``.

A token is ``USERNAME.SECRET``, the secret 32 random bytes; the ledger keeps only the SHA-256
digest of the whole token (``domain.token``). The name in front lets a request load the token
and its user in one query.
A token works until it expires, is revoked, or all its user's tokens are revoked (which a
password change does).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from eventsourcing.application import AggregateNotFoundError

from domain.access import Principal
from domain.errors import NotFound, Unauthenticated
from domain.tenancy import User, user_uuid
from domain.token import ApiToken, token_uuid
from services.accounts import Accounts
from services.application import LedgerApplication
from services.entries import UnitOfWork
from services.tenancy import principal_of

LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


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

    def issue(self, *, username: str, password: str, client: str = "") -> IssuedToken:
        """A token for a user's password, throttled as the login page is (per name and per
        ``client``, the caller's address)."""
        try:
            signed_in = self.accounts.sign_in(username=username, password=password, client=client)
        except NotFound as wrong:
            raise Unauthenticated("signin.wrong", field=wrong.field) from None
        principal = signed_in.principal
        secret = f"{principal.username}.{secrets.token_urlsafe(32)}"
        expires_at = self.clock() + self.lifetime
        token = ApiToken(digest=digest(secret), username=principal.username, expires_at=expires_at)
        self.app.save(token)
        return IssuedToken(secret, expires_at)

    def principal(self, secret: str) -> Principal:
        """Whose token this is; Unauthenticated when it is unknown, expired or revoked."""
        username = secret.rpartition(".")[0]
        token_id, user_id = token_uuid(digest(secret)), user_uuid(username)
        uow = UnitOfWork(self.app)
        uow.prefetch([token_id, user_id])  # one query where the store can
        token = uow.get_aggregate(token_id)
        user = uow.get_aggregate(user_id) if token is not None else None
        if (
            token is None
            or user is None
            or token.username != username
            or not token.accepted(now=self.clock(), valid_from=user.tokens_valid_from)
        ):
            raise _refused()
        return principal_of(user)

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
