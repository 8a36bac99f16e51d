"""A signed-in session ended by signing out, for good, in every process.

A page's session is a signed cookie: the server cannot take it back from whoever holds a copy.
Each sign-in gives the session a random id (carried in the cookie), and signing out records
the SHA-256 digest of that id as ended; a session whose id was ended is refused at its next
request, whichever process serves it. The record's id is derived from the digest (as an API
token's is, ``domain.token``), so that "was it ended?" is the lookup of one record.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

SIGN_OUT_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/sign-outs")


def sign_out_uuid(digest: str) -> UUID:
    return uuid5(SIGN_OUT_NAMESPACE, digest)


class SignOut(Aggregate):
    """That a user signed out of one session (the library stamps when)."""

    @event("Recorded")
    def __init__(self, digest: str, username: str) -> None:
        self.digest = digest
        self.username = username

    @staticmethod
    def create_id(digest: str, **_: object) -> UUID:
        return sign_out_uuid(digest)
