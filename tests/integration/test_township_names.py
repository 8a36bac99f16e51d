"""A county's townships named by their current names, on every store: a process keeps each
name for ``TOWNSHIP_KEPT_SECONDS``, then asks the store for the townships' versions in one
query and reads again only a township renamed since (another process may have renamed it)."""

from __future__ import annotations

import pytest

from services import township_names
from services.tenancy import Tenancy
from tests.integration.conftest import Towns
from tests.support import OPERATOR


def test_kept_names_are_checked_in_one_query_and_only_a_renamed_township_read_again(
    towns: Towns, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = towns.ledger
    _, codes = towns.townships(3)
    other = Tenancy(ledger.app)  # another process's, on the same store
    assert [t.code for t in other.known_townships(codes)] == codes
    ledger.administration.rename_township(OPERATOR, township=codes[1], name="改名镇")
    assert other.known_townships(codes)[1].name != "改名镇"  # kept: not past its time yet

    monkeypatch.setattr(township_names, "TOWNSHIP_KEPT_SECONDS", -1.0)  # every name stale
    read: list[object] = []
    get = other._get
    monkeypatch.setattr(other, "_get", lambda key, missing: read.append(key) or get(key, missing))
    asked: list[int] = []
    versions = ledger.app.ledger_recorder.versions_of
    monkeypatch.setattr(
        ledger.app.ledger_recorder,
        "versions_of",
        lambda ids: asked.append(len(ids)) or versions(ids),
    )
    named = other.known_townships(codes)
    assert [t.name for t in named][1] == "改名镇"
    assert asked == [3]  # one query for the three
    assert len(read) == 1  # only the renamed one read again
    assert [t.code for t in named] == codes
