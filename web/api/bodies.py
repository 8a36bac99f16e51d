"""Request bodies as the interchange services read files and lines (services.jsonl)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from services.jsonl import decode, file_lines, parse_line


def interchange_line(body: bytes) -> dict[str, Any]:
    """One line of the interchange format: UTF-8 text, one JSON object."""
    return parse_line(decode(1, body))


def ndjson_lines(stream: BinaryIO) -> Iterator[bytes]:
    """A file of lines, read as the command line reads one (the services decode each)."""
    return file_lines(stream)
