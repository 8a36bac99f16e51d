"""A user's notifications: which they have read, and which were sent to them by e-mail (each
at most once: a restarted mailer reads here what it already sent). The notifications
themselves are derived from the ledger (services/notifications.py); only these two facts
about them are the user's own, recorded under the notification's stable key."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidField

INBOX_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/inbox")
MAX_KEY = 200
MAX_KEYS = 500  # marked read at once


def inbox_uuid(username: str) -> UUID:
    return uuid5(INBOX_NAMESPACE, username)


def notice_keys(field: str, keys: object) -> list[str]:
    """Notification keys as given: a list of non-empty text of at most ``MAX_KEY`` characters."""
    if not isinstance(keys, list) or not keys:
        raise InvalidField(field, "list.not_texts")
    if len(keys) > MAX_KEYS:
        raise InvalidField(field, "list.too_long", most=MAX_KEYS, length=len(keys))
    if not all(isinstance(k, str) and 0 < len(k) <= MAX_KEY for k in keys):
        raise InvalidField(field, "list.not_texts")
    return list(dict.fromkeys(keys))


class Inbox(Aggregate):
    @event("Opened")
    def __init__(self, username: str) -> None:
        self.username = username
        self.read: set[str] = set()
        self.mailed: set[str] = set()

    @staticmethod
    def create_id(username: str) -> UUID:
        return inbox_uuid(username)

    def mark_read(self, keys: list[str]) -> None:
        """Mark notifications read; those read already record nothing."""
        new = [k for k in notice_keys("keys", keys) if k not in self.read]
        if new:
            self._read(keys=new)

    @event("Read")
    def _read(self, keys: list[str]) -> None:
        self.read.update(keys)  # assign state only: this runs again on every replay

    def note_mailed(self, key: str) -> None:
        """The notification ``key`` was sent to the user by e-mail (once)."""
        if key not in self.mailed:
            self._mailed(key=key)

    @event("Mailed")
    def _mailed(self, key: str) -> None:
        self.mailed.add(key)
