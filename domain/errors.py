"""Named domain errors. Each carries the context a user needs to fix the input: the field, and
what is wrong as a stable code with its parameters (domain/messages.py), so that every
interface can say it in its reader's language."""

from __future__ import annotations

from typing import Any

from domain.messages import ENGLISH, Message


class LedgerError(Exception):
    """Base of every error the product reports to a user.

    ``code`` is one of domain/messages.py's codes and ``params`` fill it in; ``message`` is its
    English sentence (the command line's and the API's). A sentence given instead of a code is
    kept as it is, in English only (tests/unit/test_messages.py refuses such a raise in the
    product's own code)."""

    def __init__(self, code: str, /, *, field: str | None = None, **params: Any) -> None:
        self.said: Message | None = Message(code, params) if code in ENGLISH else None
        self.message = self.said.english() if self.said else code
        super().__init__(self.message)
        self.field = field

    @property
    def code(self) -> str | None:
        return self.said.code if self.said else None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InvalidField(LedgerError):
    """A value is missing, of the wrong type, or not one of the allowed values."""

    def __init__(self, field: str, code: str, /, **params: Any) -> None:
        super().__init__(code, field=field, **params)


class RuleBroken(LedgerError):
    """A command that would break an invariant of the ledger."""


class NotFound(LedgerError):
    """A record that does not exist, or that the principal may not see."""


class AlreadyExists(LedgerError):
    """A code or name that is already taken."""


class Forbidden(LedgerError):
    """The principal sees the record but their role may not do this."""


class EnrolmentRequired(Forbidden):
    """The user's role must enrol in two-factor sign-in first (domain/two_factor.py)."""


class Conflict(LedgerError):
    """The store changed underneath a command; retrying may succeed."""


class Throttled(LedgerError):
    """Too many attempts in a short time; trying again in ``retry_after`` seconds may succeed."""

    def __init__(
        self, code: str, /, *, retry_after: int, field: str | None = None, **params: Any
    ) -> None:
        super().__init__(code, field=field, **params)
        self.retry_after = retry_after


class Unauthenticated(LedgerError):
    """No valid credentials: a wrong password, or a token unknown, expired or revoked."""
