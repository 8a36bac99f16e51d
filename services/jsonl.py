"""Reading the lines of the interchange format: bytes to text, text to one JSON object, within
the limits of docs/interchange.md. Each refusal is a LedgerError a user can act on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from domain.errors import LedgerError
from domain.values import MAX_LONG_TEXT

# A line holds at most a report's narrative (eight long texts of 10,000 characters, three bytes
# each in UTF-8) with room to spare; a file at most what one import checks in memory at once.
MAX_LINE_BYTES = 256 * 1024
MAX_FILE_BYTES = 64 * 1024 * 1024
assert MAX_LINE_BYTES > 8 * 3 * MAX_LONG_TEXT


class FileRefused(LedgerError):
    """The file as a whole cannot be read as the interchange format (its encoding, its size):
    reading stops at ``line``."""

    def __init__(self, line: int, code: str, /, **params: Any) -> None:
        super().__init__(code, **params)
        self.line = line


class Reading:
    """The lines of one file as they are read: decoded, bounded, and digested (the same
    lines are the same import)."""

    def __init__(self) -> None:
        self.size = 0
        self.lines = 0
        self._digest = hashlib.sha256()

    @property
    def digest(self) -> str:
        return self._digest.hexdigest()

    def take(self, number: int, raw: str | bytes) -> str:
        """The line's text; FileRefused when the file cannot be read on, LedgerError when
        this line alone is refused."""
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
        self.lines = number
        self.size += len(data)
        self._digest.update(data if data.endswith(b"\n") else data + b"\n")
        if self.size > MAX_FILE_BYTES:
            raise FileRefused(number, "file.too_large", most=MAX_FILE_BYTES // 2**20)
        if len(data.rstrip(b"\r\n")) > MAX_LINE_BYTES:
            raise LedgerError("line.too_long", most=MAX_LINE_BYTES // 1024)
        if isinstance(raw, str):
            return raw.removeprefix("\ufeff") if number == 1 else raw
        return decode(number, raw)


def decode(number: int, data: bytes) -> str:
    if b"\x00" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(number, "file.utf16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        try:
            data.decode("gbk")
        except UnicodeDecodeError:
            raise FileRefused(
                number, "file.not_utf8", byte=f"{data[error.start]:#04x}", position=error.start + 1
            ) from None
        raise FileRefused(number, "file.gbk") from None
    return text.removeprefix("\ufeff") if number == 1 else text


def file_lines(stream: BinaryIO) -> Iterator[bytes]:
    """A binary file's lines, none read into memory beyond ``MAX_LINE_BYTES`` (the rest of a
    longer line is skipped: the line is refused for its size)."""
    while line := stream.readline(MAX_LINE_BYTES + 3):
        if len(line) > MAX_LINE_BYTES + 2 and not line.endswith(b"\n"):
            while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        yield line


class _Duplicate(Exception):
    pass


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Duplicate(key)
        found[key] = value
    return found


class _NotANumber(ValueError):
    """NaN, Infinity or -Infinity: Python's JSON reads them, JSON does not allow them."""


def _constant(name: str) -> Any:
    raise _NotANumber(name)


# One decoder for every line (``json.loads`` with these hooks makes a new one each time).
_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)


def parse_line(raw: str) -> dict[str, Any]:
    """One interchange line as a JSON object (no key twice, no NaN or Infinity)."""
    if len(raw) > MAX_LINE_BYTES or len(raw.encode("utf-8", "surrogatepass")) > MAX_LINE_BYTES:
        raise LedgerError("line.too_long", most=MAX_LINE_BYTES // 1024)
    try:
        line = _DECODER.decode(raw)
    except json.JSONDecodeError as error:
        raise LedgerError("line.not_json", detail=error.msg, column=error.colno) from None
    except _Duplicate as duplicate:
        raise LedgerError("line.key_twice", key=_key(duplicate.args[0])) from None
    except RecursionError:
        raise LedgerError("line.too_deep") from None
    except ValueError as error:  # a number of more than 4,300 digits, NaN, Infinity
        raise _number_error(error) from None
    if not isinstance(line, dict):
        raise LedgerError("line.not_object")
    return line


def _number_error(error: ValueError) -> LedgerError:
    if isinstance(error, _NotANumber):
        return LedgerError("line.not_a_number", name=str(error))
    if "digits" in str(error):
        return LedgerError("line.long_number")
    return LedgerError("line.bad_value")


def _key(key: str) -> str:
    shown = json.dumps(key, ensure_ascii=False)
    return shown if len(shown) <= 60 else f"{shown[:59]}…"
