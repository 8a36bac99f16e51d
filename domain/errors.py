"""Named domain errors. Each carries the context a user needs to fix the input."""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every error the product reports to a user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidField(LedgerError):
    """A value is missing, of the wrong type, or not one of the allowed values."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)


class RuleBroken(LedgerError):
    """A command that would break an invariant of the ledger."""


class NotFound(LedgerError):
    """A record that does not exist, or that the principal may not see."""


class AlreadyExists(LedgerError):
    """A code or name that is already taken."""


class Forbidden(LedgerError):
    """The principal sees the record but their role may not do this."""


class Conflict(LedgerError):
    """The store changed underneath a command; retrying may succeed."""


class Throttled(LedgerError):
    """Too many attempts in a short time; trying again later may succeed."""


class Unauthenticated(LedgerError):
    """No valid credentials: a wrong password, or a token unknown, expired or revoked."""
