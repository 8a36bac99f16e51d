"""POST /api/v1/tokens, DELETE /api/v1/tokens/current, DELETE /api/v1/tokens."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from web.api.auth import bearer_token, ledger, principal
from web.api.schemas import TokenIssued, TokenRequest

blp = Blueprint("tokens", __name__, url_prefix="/api/v1", description="Tokens for scripts.")


@blp.route("/tokens", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(TokenRequest)
@blp.response(201, TokenIssued)
def issue(given: dict):
    """A token for a username and password, and ``otp`` for a user enrolled in two-factor
    sign-in (throttled like the login page)."""
    return ledger().tokens.issue(
        username=given["username"],
        password=given["password"],
        otp=given.get("otp"),
        client=request.remote_addr or "",
    )


@blp.route("/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_current():
    """The token of this request stops working."""
    principal()
    ledger().tokens.revoke(bearer_token())


@blp.route("/tokens", methods=["DELETE"])
@blp.response(204)
def revoke_all():
    """Every token of the caller's user stops working."""
    ledger().tokens.revoke_all(principal())
