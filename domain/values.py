"""What the ledger accepts: the one definition of its counts, text, ids, codes and dates, used by
every interface (the command line, imports, and the web pages and API).

Each check returns the clean value or raises InvalidField naming the field. The limits are
stated for users in docs/interchange.md; they keep every value storable in every supported
store (PostgreSQL text holds no NUL; UTF-8 holds no lone surrogate; JSON readers hold 64-bit
integers) and every sum of counts within 64 bits.
"""

from __future__ import annotations

import re
import reprlib
import time
import unicodedata
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any

from domain import moments
from domain.errors import InvalidField

# A count no township reaches (people at one session, matters decided at one meeting): a
# township has at most a few hundred thousand people. Below it, a sum of counts passes 2^63
# only after some 900 billion entries, so no figure, tally or ranking can overflow a 64-bit
# integer in either store.
MAX_COUNT = 10_000_000
# Short text: a title, a category, a name, a law. Long text: a description, a reason, the
# problems and next steps of a report (newlines and tabs allowed there).
MAX_TEXT = 500
MAX_LONG_TEXT = 10_000
MAX_ITEMS = 200  # items in one list field (the laws of a session)
MAX_ID = 128
MAX_CODE = 64
# Dates: from the founding of the People's Republic on, so that a mistyped year (0024) is
# refused. A business date (the day a thing happened) is at most today, the installation's; a
# date that is future by nature (a rectification deadline) at most five years ahead; a date
# that only looks something up (a list's filter) at most a year ahead.
FIRST_DAY = date(1949, 10, 1)
AHEAD = timedelta(days=366)
MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f.]+")
DEADLINE_AHEAD = timedelta(days=5 * 366)

# Never in an id: control and format characters (zero-width, direction overrides), surrogates,
# line and paragraph separators, unassigned code points.
_ID_REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Never in text: control characters (but tabs and newlines in long text), surrogates, line and
# paragraph separators, and the characters that reorder how text is shown.
_TEXT_REFUSED = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_LONG_TEXT_ALLOWED = frozenset("\t\n\r")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")
_DIGEST = re.compile(r"[0-9a-f]{64}")
# A file's size in bytes: the evidence store's files (a few MB) are far below it.
MAX_FILE_SIZE = 2**40
# A new entry's id (``new_entry_id``): what most are, checked at once; the others one by one.
_SAFE_ASCII_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_ID_PUNCTUATION = frozenset("-_.")


def count(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, "value.not_whole", got=_shown(value))
    if value < 0:
        raise InvalidField(field, "value.negative", got=_shown(value))
    if value > MAX_COUNT:
        raise InvalidField(field, "value.too_large", most=MAX_COUNT, got=_shown(value))
    return value


def text(field: str, value: Any) -> str:
    """Short text on one line, at most ``MAX_TEXT`` characters; surrounding spaces dropped."""
    return _text(field, value, MAX_TEXT, frozenset())


def long_text(field: str, value: Any) -> str:
    """Text that may span lines, at most ``MAX_LONG_TEXT`` characters."""
    return _text(field, value, MAX_LONG_TEXT, _LONG_TEXT_ALLOWED)


def _text(field: str, value: Any, limit: int, allowed: frozenset[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(field, "text.empty")
    if len(value) > limit:
        raise InvalidField(field, "text.too_long", most=limit, length=len(value))
    if value.isprintable():  # no control, format or separator character but the space
        return value.strip()
    for position, character in enumerate(value, start=1):
        if character in allowed:
            continue
        if unicodedata.category(character) in _TEXT_REFUSED or character in _BIDI_CONTROLS:
            raise InvalidField(
                field, "text.refused_character", character=_named(character), position=position
            )
    return value.strip()


def texts(field: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidField(field, "list.not_texts")
    if len(value) > MAX_ITEMS:
        raise InvalidField(field, "list.too_long", most=MAX_ITEMS, length=len(value))
    return tuple(text(field, item) for item in value)


def choice(field: str, value: Any, allowed: Collection[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidField(field, "value.not_allowed", allowed=tuple(allowed), got=_shown(value))
    return value


def choices(field: str, value: Any, allowed: Collection[str]) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise InvalidField(field, "list.not_list")
    for item in value:
        choice(field, item, allowed)
    if len(set(value)) != len(value):
        raise InvalidField(field, "list.repeated")
    return tuple(item for item in allowed if item in value)


def flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidField(field, "value.not_flag", got=_shown(value))
    return value


def business_day(field: str, value: Any) -> date:
    """The day a thing happened (``occurred_on``): between ``FIRST_DAY`` and today, the
    installation's (a thing that has not happened yet is not recorded)."""
    parsed = day(field, value)
    if parsed > today():
        raise InvalidField(field, "date.after_today", today=today(), got=parsed)
    return parsed


def day(field: str, value: Any, ahead: timedelta = AHEAD) -> date:
    """A date between ``FIRST_DAY`` and ``ahead`` of today."""
    parsed = None
    if isinstance(value, date):
        parsed = value
    elif isinstance(value, str) and _DATE.fullmatch(value):
        try:  # noqa: SIM105 - suppress() would cost every line a context manager
            parsed = date.fromisoformat(value)
        except ValueError:  # 2024-02-30
            pass
    if parsed is None:
        raise InvalidField(field, "date.malformed", got=_shown(value))
    last = today() + ahead
    if not FIRST_DAY <= parsed <= last:
        raise InvalidField(field, "date.out_of_range", first=FIRST_DAY, last=last, got=parsed)
    return parsed


# When today's date was last worked out (time.monotonic), the date, and the zone it is of.
_TODAY: list[Any] = [0.0, FIRST_DAY, None]


def today() -> date:
    """Today's date in the installation's time zone (``domain.moments.zone``), worked out again
    after a second at most, or at once when the zone changed: an import checks every line's
    date against it, and working it out for every line cost 5 % of an import."""
    now = time.monotonic()
    zone = moments.zone()
    if now >= _TODAY[0] or zone is not _TODAY[2]:
        _TODAY[:] = [now + 1, datetime.now(zone).date(), zone]
    return _TODAY[1]


def deadline(field: str, value: Any) -> date:
    return day(field, value, DEADLINE_AHEAD)


def last_year() -> int:
    """The last year a business date may fall in (today's, or the next one's): the last year
    of a report, or a period, worth asking about."""
    return (today() + AHEAD).year


def year(field: str, value: Any) -> int:
    """The year of an annual report: from ``FIRST_DAY``'s to this year (a year not begun has
    no report)."""
    last = today().year
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_DAY.year <= value <= last:
        raise InvalidField(
            field, "year.out_of_range", first=FIRST_DAY.year, last=last, got=_shown(value)
        )
    return value


def quarter(field: str, value: Any) -> int:
    """A quarter of a year: a whole number from 1 to 4."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 4:
        raise InvalidField(field, "quarter.out_of_range", got=_shown(value))
    return value


def email(field: str, value: Any) -> str:
    """An e-mail address: one ``@`` between a local part and a domain with a dot, no spaces,
    at most ``MAX_EMAIL`` characters."""
    if not isinstance(value, str) or len(value) > MAX_EMAIL or not _EMAIL.fullmatch(value):
        raise InvalidField(field, "email.malformed", got=_shown(value))
    return value


def code(field: str, value: Any) -> str:
    """A county's, a township's or a user's code: 1-64 lowercase letters, digits, '-', '_' or
    '.'. Lowercase only, so that two codes never differ only in case. (Codes recorded before
    this rule stay usable: looking one up checks nothing but its form as stored text.)"""
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= MAX_CODE
        or not _CODE_CHARACTERS.issuperset(value)
    ):
        raise InvalidField(field, "code.malformed", most=MAX_CODE, got=_shown(value))
    return value


def code_text(field: str, value: Any) -> str:
    """A code as given to look a record up: storable text, no more (see ``code``)."""
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_CODE or not _plain_id(value):
        raise InvalidField(field, "code.not_text", got=_shown(value))
    return value


def entry_id(field: str, value: Any) -> str:
    """An entry's id, chosen by the township: at most ``MAX_ID`` characters, no surrounding
    spaces, nothing invisible (control, format or direction characters)."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID:
        raise InvalidField(field, "id.malformed", most=MAX_ID)
    if value != value.strip():
        raise InvalidField(field, "id.spaces")
    if not _plain_id(value):
        bad = next(c for c in value if not _plain_id(c))
        raise InvalidField(field, "id.refused_character", character=_named(bad))
    return value


def new_entry_id(field: str, value: Any) -> str:
    """A new entry's id: letters of any script (纠纷-2024-001), digits, and '-', '_' or '.',
    beginning with a letter or a digit, without '..', written in Unicode's normal form NFKC (no
    full-width letters or digits). Such an id is safe wherever it goes: a link, a file name, a
    spreadsheet cell, a command line. (Entries recorded before this rule keep their ids:
    ``entry_id`` is what looking one up, following it up or retracting it checks.)"""
    value = entry_id(field, value)
    if _SAFE_ASCII_ID.fullmatch(value) and ".." not in value:
        return value
    for position, character in enumerate(value, start=1):
        if not _safe_in_id(character, first=position == 1):
            raise InvalidField(
                field, "id.unsafe_character", character=_visible(character), position=position
            )
    if ".." in value:
        raise InvalidField(field, "id.double_dot")
    for position, character in enumerate(value, start=1):
        normal = unicodedata.normalize("NFKC", character)
        if normal != character:
            raise InvalidField(
                field,
                "id.not_normal",
                character=_visible(character),
                position=position,
                normal=normal,
            )
    return value


def _safe_in_id(character: str, *, first: bool) -> bool:
    """A letter or a digit anywhere; a combining mark after one; '-', '_', '.' but first."""
    kind = unicodedata.category(character)
    if kind[0] == "L" or kind == "Nd":
        return True
    return not first and (kind[0] == "M" or character in _ID_PUNCTUATION)


def _visible(character: str) -> str:
    """A character as a message quotes it: itself, or its name when it cannot be seen."""
    if character.isprintable() and not character.isspace():
        return f"“{character}”"
    return _named(character)


def _plain_id(value: str) -> bool:
    """No character of ``_ID_REFUSED``'s categories, and no white space but the space: what
    ``str.isprintable`` means, character for character (tests/unit/test_values.py holds the two
    together over every code point)."""
    return value.isprintable()


def digest(field: str, value: Any) -> str:
    """A SHA-256 written as 64 lowercase hexadecimal digits (a file's, as evidence names it)."""
    if not isinstance(value, str) or not _DIGEST.fullmatch(value):
        raise InvalidField(field, "digest.malformed", got=_shown(value))
    return value


def file_size(field: str, value: Any) -> int:
    """A file's size in bytes: a whole number from 1 (an empty file is no evidence)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, "value.not_whole", got=_shown(value))
    if value < 1:
        raise InvalidField(field, "value.too_small", least=1, got=_shown(value))
    if value > MAX_FILE_SIZE:
        raise InvalidField(field, "value.too_large", most=MAX_FILE_SIZE, got=_shown(value))
    return value


def no_unknown(fields: Iterable[str], known: Collection[str]) -> None:
    for name in fields:
        if name not in known:
            raise InvalidField(_shown_name(name), "field.unknown")


def _named(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name}" if name else "")


def _shown(value: Any, limit: int = 40) -> str:
    """A value as an error message quotes it: short, with no character that could not be
    written to a terminal or a store, and never too deep or too long to write at all."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"a number of about {int(value.bit_length() * 0.30103):,} digits"
    shown = _REPR.repr(value).encode("utf-8", "backslashreplace").decode("utf-8")
    return shown if len(shown) <= limit else f"{shown[: limit - 1]}…"


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxstring = _REPR.maxother = 60


def _shown_name(name: Any) -> str:
    return _shown(name, 60).strip("'") if isinstance(name, str) else _shown(name, 60)


# A whole number as typed: ASCII digits only (str.isdigit() also takes "²", which int()
# refuses, and "--5" passes lstrip("-").isdigit()).
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def whole_number(text: Any) -> Any:
    """A number as typed: an int when its text reads as one, else as given (the ledger names
    it when it refuses it)."""
    return int(text) if WHOLE_NUMBER.fullmatch(str(text)) else text
