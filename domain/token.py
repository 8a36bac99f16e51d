"""An API token: issued to a user for scripts, with an expiry; revoked one by one, or all of a
user's at once (``User.revoke_tokens``, which a password change does too).

Only the SHA-256 digest of the secret is known to the ledger: the token's id is derived from it,
so the secret presented on a request finds its token in one lookup.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

TOKEN_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/tokens")


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
