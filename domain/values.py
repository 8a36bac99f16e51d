"""Checks for the primitive values commands take. Each returns the clean value or raises
InvalidField naming the field."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from domain.errors import InvalidField


def count(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, f"must be a whole number, got {value!r}")
    if value < 0:
        raise InvalidField(field, f"must not be negative, got {value}")
    return value


def text(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "must be non-empty text")
    return value.strip()


def choice(field: str, value: Any, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise InvalidField(field, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def choices(field: str, value: Any, allowed: Collection[str]) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidField(field, "must be a list")
    for item in value:
        choice(field, item, allowed)
    if len(set(value)) != len(value):
        raise InvalidField(field, "must not repeat a value")
    return tuple(item for item in allowed if item in value)


def texts(field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidField(field, "must be a list of text")
    return tuple(text(field, item) for item in value)


def flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, f"must be true or false, got {value!r}")
    return value


def day(field: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidField(field, f"must be a date written YYYY-MM-DD, got {value!r}")


def year(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2999:
        raise InvalidField(field, f"must be a year such as 2024, got {value!r}")
    return value


def code(field: str, value: Any) -> str:
    """A short identifier for a county, township or user: letters, digits, '-', '_'."""
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= 64
        or not all(c.isascii() and (c.isalnum() or c in "-_.") for c in value)
    ):
        raise InvalidField(field, f"must be 1-64 letters, digits, '-', '_' or '.'; got {value!r}")
    return value


def entry_id(field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise InvalidField(field, "must be non-empty text of at most 128 characters")
    return value


def no_unknown(fields: Iterable[str], known: Collection[str]) -> None:
    for name in fields:
        if name not in known:
            raise InvalidField(name, "is not a field of this entry type")
