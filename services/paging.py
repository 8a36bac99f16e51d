"""Paged answers: the cursor a page gives for the next one, and the number of items asked for,
read the same way by every list (entries, the entries since a moment, a history window, the
ids behind a figure)."""

from __future__ import annotations

from typing import Any

from domain.errors import InvalidField


def after(cursor: Any) -> int:
    """The number a cursor stands for (0: the first page); anything else is refused."""
    if cursor is None or cursor == "":
        return 0
    # "²".isdigit(), and int() refuses it
    if not (isinstance(cursor, str) and cursor.isascii() and cursor.isdigit()):
        raise InvalidField("cursor", "cursor.unknown")
    return int(cursor)


def checked_limit(limit: Any, most: int) -> int:
    """A page's size, from 1 to ``most``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise InvalidField("limit", "limit.out_of_range", most=most)
    return limit
