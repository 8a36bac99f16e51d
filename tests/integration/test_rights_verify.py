"""``verify`` covers the rights events (domain/rights.py): a rights event altered, deleted or
inserted past the ledger is named, by the county's verification and the installation's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.tenancy import user_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.integration.tampering import RawStore
from tests.support import OPERATOR, PASSWORD, Tenants, unique


@pytest.fixture
def world(own_sql_database_url: str) -> Iterator[tuple[Services, RawStore, str, str]]:
    """A county with a clerk, disabled then enabled by the operator."""
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    place = Tenants(ledger).place()
    username = unique("clerk")
    ledger.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    ledger.administration.disable(OPERATOR, username=username)
    ledger.administration.enable(OPERATOR, username=username)
    ledger.read_model.refresh()
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        yield ledger, raw, place.county, username
    finally:
        raw.close()
        ledger.close()


def kinds(ledger: Services, county: str | None) -> list[str]:
    return [f.kind for f in ledger.verifier.verify(OPERATOR, county=county).findings]


def test_untouched_rights_verify(world) -> None:
    ledger, _, county, _ = world
    assert kinds(ledger, county) == []
    assert kinds(ledger, None) == []


def test_an_altered_rights_event_is_named(world) -> None:
    ledger, raw, county, username = world
    state = raw.state(user_uuid(username), 1)
    state["role"] = "head"
    raw.set_state(user_uuid(username), 1, state)
    assert kinds(ledger, county) == ["rights_altered"]
    assert kinds(ledger, None) == ["rights_altered"]


def test_a_deleted_rights_event_is_named(world) -> None:
    ledger, raw, county, username = world
    raw.delete(user_uuid(username), 3)
    assert kinds(ledger, county) == ["rights_missing"]


def test_an_inserted_rights_event_is_named(world) -> None:
    ledger, raw, county, username = world
    user = user_uuid(username)
    disabled = raw.state(user, 2)
    raw.insert(user, 4, raw.topic(user, 2), disabled)
    assert kinds(ledger, county) == ["rights_uncovered"]
