"""A workbook's package: the ZIP, each part's size and packing checked before it is read, and
its XML parsed as a stream that refuses document type declarations (and so every entity, the
billion laughs and external ones alike)."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any
from xml.parsers.expat import (
    XML_PARAM_ENTITY_PARSING_NEVER,
    ExpatError,
    ParserCreate,
    XMLParserType,
)

from domain.errors import InvalidField
from spreadsheets.limits import Limits

READABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
CENTRAL_ENTRY = b"PK\x01\x02"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class WorkbookRefused(InvalidField):
    """A workbook past a limit, or one that cannot be read: ``sheet`` and ``line`` (the row)
    name where, when it is known."""

    def __init__(self, code: str, /, *, sheet: str | None = None, row: int | None = None, **params):
        named = {"sheet": sheet} if sheet is not None else {}
        where = {"row": row} if row is not None else {}
        super().__init__("file", code, **named, **where, **params)
        self.sheet = sheet
        self.line = row


START, END = "start", "end"
Event = tuple[str, str, Any]
CHUNK = 64 * 1024


class Refused(Exception):
    """A document type declaration, an entity or an external reference: never in a workbook."""


def _refuse(*_: Any) -> None:
    raise Refused


def _parser() -> tuple[XMLParserType, list[Event]]:
    """Expat with no DTD, no entity and no external reference: each is refused where it
    begins (the billion laughs and XXE alike), before anything is expanded."""
    parser = ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    pending: list[Event] = []
    text: list[str] = []
    names: dict[str, str] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        name = names.get(tag) or names.setdefault(tag, tag.rpartition("}")[2])
        text.clear()
        pending.append((START, name, attributes))

    def end(tag: str) -> None:
        pending.append((END, names.get(tag) or tag.rpartition("}")[2], "".join(text)))
        text.clear()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text.append
    return parser, pending


class Package:
    """The parts of one workbook, each opened only after its declared size and packing pass
    the limits (the ZIP reader then stops at the declared size and checks the CRC)."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        self.limits = limits
        # The ZIP reader makes an object of every entry of the central directory before one
        # can be counted (a 25 MB file of 300,000 empty entries: 156 MB and 90 s): each entry
        # begins with this signature, so the count of it bounds theirs.
        if data.count(CENTRAL_ENTRY) > limits.parts:
            raise WorkbookRefused("workbook.too_many_parts", most=limits.parts)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.members = {info.filename: info for info in self.zip.infolist()}
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            NotImplementedError,
            OSError,
            ValueError,
            EOFError,
        ):
            raise InvalidField("file", "file.not_workbook") from None
        self.read = 0  # bytes unpacked so far, every part together

    def has(self, name: str) -> bool:
        return name in self.members

    def open(self, name: str) -> IO[bytes]:
        info = self.members.get(name)
        if info is None or info.compress_type not in READABLE or info.flag_bits & 0x1:
            raise WorkbookRefused("workbook.broken", part=name)
        limits = self.limits
        self.read += info.file_size
        if info.file_size > limits.part_bytes or self.read > limits.package_bytes:
            raise WorkbookRefused("workbook.too_large", most=limits.part_bytes // 2**20)
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.ratio_from and ratio > limits.ratio:
            raise WorkbookRefused("workbook.packed_too_tightly", ratio=ratio)
        try:
            return self.zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError):
            raise WorkbookRefused("workbook.broken", part=name) from None

    def events(
        self, name: str, broken: Callable[[], WorkbookRefused] | None = None
    ) -> Iterator[Event]:
        """The part's XML as events, read a chunk at a time: ``(START, name, attributes)`` and
        ``(END, name, text)`` (the text of a leaf element), names without their namespace.
        Counted: past ``limits.elements`` the part is too large. ``broken`` names where a part
        that cannot be parsed broke (a sheet's row); by default the part."""
        stream = self.open(name)
        parser, pending = _parser()
        count = 0
        while True:
            try:
                chunk = stream.read(CHUNK)
                parser.Parse(chunk, not chunk)
            except (
                ExpatError,
                Refused,
                zipfile.BadZipFile,
                zlib.error,
                EOFError,
                OSError,
                NotImplementedError,
            ):
                raise (
                    broken() if broken else WorkbookRefused("workbook.broken", part=name)
                ) from None
            count += len(pending)
            if count > 2 * self.limits.elements:
                raise WorkbookRefused("workbook.too_large", most=self.limits.part_bytes // 2**20)
            yield from pending
            pending.clear()
            if not chunk:
                return

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """The targets a part names (``xl/_rels/workbook.xml.rels``): id -> (type, part)."""
        folder, file = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", f"{file}.rels")
        if not self.has(rels):
            return {}
        found = {}
        for event, tag, attributes in self.events(rels):
            if event is START and tag == "Relationship":
                target = _resolve(folder, attributes.get("Target") or "")
                found[attributes.get("Id") or ""] = (attributes.get("Type") or "", target)
        return found


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))
