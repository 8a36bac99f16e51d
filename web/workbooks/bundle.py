"""A ZIP of a workbook and the files its rows name (佐证材料): the workbook is the one .xlsx
outside the ZIP's folders; every other file is evidence, named by its path in the ZIP or, when
no other file has the same name, by its name alone. Each file's unpacked size is checked before
it is read (and held to it while reading: a ZIP that lies about it is refused as damaged)."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field

from domain.access import Principal
from domain.errors import InvalidField
from services import Services
from services.evidence_imports import ImportWithFiles, import_with_files
from web.workbooks.entries import lines_and_files

MIB = 2**20
MOST_FILES = 2_000
WORKBOOK_BYTES = 32 * MIB
MOST_BYTES = 256 * MIB  # every file unpacked, together (checked before any is read)
ZIP = "application/zip"


@dataclass(frozen=True)
class Bundle:
    workbook: bytes
    files: dict[str, bytes] = field(default_factory=dict)  # by every name a row may use


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04" and not _is_workbook_package(data)


def _is_workbook_package(data: bytes) -> bool:
    """An .xlsx is a ZIP too: one holding ``[Content_Types].xml``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "[Content_Types].xml" in package.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def read_bundle(data: bytes, most_bytes: int) -> Bundle:
    """The workbook and the files of a ZIP; each evidence file at most ``most_bytes`` unpacked
    (a larger one is read as far as one byte more, so that the refusal names it as too large)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise InvalidField("file", "bundle.not_zip") from None
    with package:
        members = [m for m in package.infolist() if not m.is_dir() and not _hidden(m.filename)]
        if len(members) > MOST_FILES:
            raise InvalidField("file", "bundle.too_many", most=MOST_FILES)
        unpacked = sum(min(m.file_size, most_bytes + 1) for m in members)
        if unpacked > MOST_BYTES:
            raise InvalidField("file", "bundle.unpacks_too_large", most=MOST_BYTES // MIB)
        top = [m for m in members if "/" not in m.filename and _is_xlsx(m.filename)]
        if not top:
            raise InvalidField("file", "bundle.no_workbook")
        if len(top) > 1:
            names = "、".join(sorted(m.filename for m in top))
            raise InvalidField("file", "bundle.workbooks", names=names)
        workbook = _read(package, top[0], WORKBOOK_BYTES)
        files: dict[str, bytes] = {}
        for member in members:
            if member is top[0]:
                continue
            path = member.filename
            if path in files:
                raise InvalidField("file", "bundle.name_twice", name=path)
            files[path] = _read(package, member, most_bytes, over_by_one=True)
    return Bundle(workbook, _by_short_names(files))


def _read(
    package: zipfile.ZipFile, member: zipfile.ZipInfo, most: int, *, over_by_one: bool = False
) -> bytes:
    if member.file_size > most and not over_by_one:
        raise InvalidField("file", "bundle.too_large", name=member.filename, most=most // MIB)
    try:
        with package.open(member) as opened:
            return opened.read(most + 1)  # never more: an evidence file past it is refused
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise InvalidField("file", "bundle.broken", name=member.filename) from None


def _by_short_names(files: dict[str, bytes]) -> dict[str, bytes]:
    """Each file by its path, and by its name alone where no other file shares it."""
    named = dict(files)
    short: dict[str, list[str]] = {}
    for path in files:
        short.setdefault(posixpath.basename(path), []).append(path)
    for name, paths in short.items():
        if len(paths) == 1 and name not in named:
            named[name] = files[paths[0]]
    return named


def _is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def _hidden(path: str) -> bool:
    """What a Mac or an editor adds to a ZIP beside the files (``__MACOSX/``, ``.DS_Store``)."""
    return path.startswith("__MACOSX/") or posixpath.basename(path).startswith(".")


def import_bundle(
    ledger: Services, principal: Principal, data: bytes, township: str
) -> ImportWithFiles:
    """A ZIP of a workbook and its evidence files imported: the rows' entries, all or none,
    then their files (every file judged before anything is recorded)."""
    bundle = read_bundle(data, ledger.evidence.limits.max_bytes)
    lines, named = lines_and_files(bundle.workbook, township)
    return import_with_files(
        ledger.evidence, ledger.interchange.import_lines, principal, lines, named, bundle.files
    )
