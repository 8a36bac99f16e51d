"""The evidence store in a directory (infra/evidence_store.py): files under a folder named by
their hash's first two digits, written whole or not at all, each stored once, never replaced."""

from __future__ import annotations

import hashlib
import os

import pytest

from infra.evidence_store import DirectoryEvidence
from services.evidence_store import thumbnail_key
from tests import evidence_samples as samples


@pytest.fixture
def store(tmp_path) -> DirectoryEvidence:
    return DirectoryEvidence(tmp_path / "evidence")


def test_a_file_is_stored_by_its_hash_in_a_folder_of_its_first_two_digits(store, tmp_path):
    data = samples.pdf()
    digest = hashlib.sha256(data).hexdigest()
    store.put(digest, data)
    store.put(thumbnail_key(digest), b"thumbnail")
    folder = tmp_path / "evidence" / digest[:2]
    assert sorted(p.name for p in folder.iterdir()) == [digest, f"{digest}.thumbnail"]
    assert (folder / digest).read_bytes() == data
    assert store.get(digest) == data and store.exists(digest)
    assert store.get("0" * 64) is None and not store.exists("0" * 64)


def test_the_same_bytes_are_stored_once_and_nothing_stored_is_replaced(store):
    data = samples.photo()
    digest = hashlib.sha256(data).hexdigest()
    store.put(digest, data)
    path = store.path(digest)
    first = os.stat(path)
    store.put(digest, data)
    assert os.stat(path).st_ino == first.st_ino  # not written again
    os.chmod(path, 0o644)
    path.write_bytes(b"altered")
    store.put(digest, data)  # an altered file is left for verify to name, not repaired quietly
    assert path.read_bytes() == b"altered"


def test_a_write_leaves_no_temporary_file_even_when_it_fails(store, monkeypatch):
    data = samples.png()
    digest = hashlib.sha256(data).hexdigest()

    def refuse(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        store.put(digest, data)
    monkeypatch.undo()
    folder = store.path(digest).parent
    assert list(folder.iterdir()) == []  # neither the file nor its temporary
    store.put(digest, data)
    assert [p.name for p in folder.iterdir()] == [digest]


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/" + "c" * 64, "A" * 64, "a" * 63, ""])
def test_a_key_is_a_hash_never_a_path(store, key):
    with pytest.raises(ValueError):
        store.put(key, b"x")
    with pytest.raises(ValueError):
        store.get(key)
