"""An API token: issued to a user for scripts, with an expiry; revoked one by one, or all of a
user's at once (``User.revoke_tokens``, which a password change does too).

Only the SHA-256 digest of the secret is known to the ledger: the token's id is derived from it,
so the secret presented on a request finds its token in one lookup.

Tokens issued to one user are held back past ``MOST_ISSUED`` an hour: a token works for 30
days, so a script keeps the one it has; one that asks again on every run is slowed down, and the
ledger does not take a token's event for every request anybody who knows a password makes.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import Throttled

TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/tokens")
MOST_ISSUED = 20  # tokens issued to one user within ``ISSUE_WINDOW``
ISSUE_WINDOW = timedelta(hours=1)


def issued_key(username: str) -> str:
    """The key the tokens issued to a user are counted under (beside failed sign-ins)."""
    return "issued:" + json.dumps(username, ensure_ascii=False)


def check_issue(issued: int) -> None:
    """Refuse a token once the user was issued ``MOST_ISSUED`` within the window."""
    if issued >= MOST_ISSUED:
        window = int(ISSUE_WINDOW.total_seconds())
        raise Throttled(
            "token.throttled",
            field="username",
            retry_after=window,
            most=MOST_ISSUED,
            minutes=window // 60,
        )


def token_uuid(digest: str) -> UUID:
    return uuid5(TOKEN_NAMESPACE, digest)


class ApiToken(Aggregate):
    @event("Issued")
    def __init__(self, digest: str, username: str, expires_at: datetime) -> None:
        self.digest = digest
        self.username = username
        self.expires_at = expires_at
        self.revoked = False

    @staticmethod
    def create_id(digest: str, **_: object) -> UUID:
        return token_uuid(digest)

    def revoke(self) -> None:
        if not self.revoked:
            self._revoke()

    @event("Revoked")
    def _revoke(self) -> None:
        self.revoked = True

    def accepted(self, *, now: datetime, valid_from: datetime | None) -> bool:
        """Whether the token still works: not revoked, not expired, and issued after the last
        time all of its user's tokens were revoked."""
        issued = self.created_on
        return (
            not self.revoked
            and now < self.expires_at
            and (valid_from is None or issued > valid_from)
        )
