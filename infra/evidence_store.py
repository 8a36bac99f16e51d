"""The evidence store in a directory (``LEDGER_EVIDENCE_DIR``): each file under a folder named
by the first two digits of its SHA-256 (``ab/abcdef…``), its thumbnail beside it
(``ab/abcdef….thumbnail``).

A file is written atomically: to a temporary file in the same folder, flushed to the disk
(fsync), then renamed into place, and the folder flushed too; a reader sees the whole file or
none. Nothing stored is replaced or deleted: the same bytes are stored once (a key already
there is left as it is, even if its bytes were altered since: ``verify`` names that).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from services.evidence_store import EvidenceStore, check_key


class DirectoryEvidence(EvidenceStore):
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def path(self, key: str) -> Path:
        return self.directory / check_key(key)[:2] / key

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o444)
            os.replace(temporary, target)  # two writers of one key write the same bytes
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        _sync_directory(target.parent)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except FileNotFoundError:
            return None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


def _sync_directory(directory: Path) -> None:
    """Flush the folder's entry of the renamed file to the disk (POSIX)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
