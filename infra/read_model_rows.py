"""How the read model writes a fact as a row and reads it back: text that both stores hold,
moments that sort as text, JSON that any value an entry holds can be written as.

One entry must never break the read model for everyone: values the ledger refuses today
(a count beyond 64 bits, a NUL character, a lone surrogate) may be in a ledger recorded before
it refused them, so every value is written in a form the store holds, whatever it is.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import orjson

from projections.figures import Fact

COLUMNS = (
    "position, township, entry_id, entry_type, entry_occurred_on, type,"
    " occurred_on, recorded_at, actor, payload"
)
SQLITE_ROWS = 90  # fact rows an INSERT on SQLite: 900 parameters, under every build's limit
INSERT_FACTS = {  # by the number of rows
    n: f"INSERT INTO ledger_rm_facts ({COLUMNS}) VALUES "
    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * n)
    for n in range(1, SQLITE_ROWS + 1)
}


def stamp(moment: datetime) -> str:
    """A UTC moment as fixed-width text, so that text order is time order (ISO 8601 with
    microseconds; orjson writes it four times faster than ``isoformat``, which a rebuild
    felt, but leaves out microseconds that are zero)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    text = orjson.dumps(moment)[1:-1].decode()
    return text if moment.microsecond else f"{text[:19]}.000000{text[19:]}"


def storable(text: str) -> str:
    """Text as both stores hold it: PostgreSQL's text holds no NUL, UTF-8 no lone surrogate
    (each becomes U+FFFD). The same for a value written and a value looked up."""
    if text.isprintable():
        return text
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in text)


def fact_row(fact: Fact) -> tuple:
    return (
        fact.position,
        storable(fact.township),
        storable(fact.entry_id),
        fact.entry_type,
        fact.entry_occurred_on.isoformat(),
        fact.type,
        fact.occurred_on.isoformat(),
        stamp(fact.recorded_at),
        storable(fact.actor),
        dumps(fact.payload),
    )


def row_from_message(item: list[Any]) -> tuple:
    """A fact's row from its JSON form in a writer message (``ViewWriter.send``): dates are
    ISO text already, the recording time RFC 3339 text as orjson writes it."""
    recorded_at = item[7]
    if not (len(recorded_at) == 32 and recorded_at.endswith("+00:00")):
        recorded_at = stamp(datetime.fromisoformat(recorded_at))
    return (
        item[0],
        *map(storable, item[1:3]),
        *item[3:7],
        recorded_at,
        storable(item[8]),
        dumps(item[9]),
    )


def dumps(value: Any) -> str:
    """JSON text with its keys sorted, so that equal models have equal rows; dates as ISO text
    (payload values are text, numbers, lists or dates). Numbers beyond 64 bits and lone
    surrogates, which orjson refuses, are written by the standard library (as ASCII), after a
    space that tells ``loads`` to read them so (orjson reads such a number as a float)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        text = json.dumps(value, sort_keys=True, default=_iso).replace("\\u0000", "\\ufffd")
        return f" {text}"


def loads(text: str) -> Any:
    return json.loads(text) if text.startswith(" ") else orjson.loads(text)


def _iso(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a payload value")


def fact_from_row(row: tuple) -> Fact:
    return Fact(
        position=row[0],
        township=row[1],
        entry_id=row[2],
        entry_type=row[3],
        entry_occurred_on=date.fromisoformat(row[4]),
        type=row[5],
        occurred_on=date.fromisoformat(row[6]),
        recorded_at=datetime.fromisoformat(row[7]),
        actor=row[8],
        payload=loads(row[9]),
    )
