"""Who is calling: a bearer token for scripts. A request that carries a token and a session
cookie together is refused (a page's cookie must never lend its rights to a script, nor the
other way round)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request

from domain.access import Principal
from domain.errors import LedgerError, Unauthenticated
from services import Services

SCHEME = "bearer"
T = TypeVar("T")


def ledger() -> Services:
    return current_app.extensions["ledger"]


def bearer_token() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != SCHEME or not token.strip():
        raise Unauthenticated("send the token as 'Authorization: Bearer TOKEN'")
    return token.strip()


def refuse_mixed_credentials() -> None:
    """Run before every API request."""
    cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
    if "Authorization" in request.headers and cookie in request.cookies:
        raise LedgerError(
            "send either a token or a session cookie, not both", field="Authorization"
        )


def principal() -> Principal:
    """The caller's principal, from their token (once per request)."""
    if "principal" not in g:
        g.principal = ledger().tokens.principal(required_token())
    return g.principal


def acting(write: Callable[[Principal], T]) -> T:
    """``write`` with the caller's principal, its token kept looked up between requests and
    checked inside the write's transaction instead (``Tokens.acting``): a write that can be
    tried again whole."""

    def act(who: Principal) -> T:
        g.principal = who
        return write(who)

    return ledger().tokens.acting(required_token(), act)


def required_token() -> str:
    token = bearer_token()
    if token is None:
        raise Unauthenticated("sign in first: ask POST /api/v1/tokens for a token")
    return token
