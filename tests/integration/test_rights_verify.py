"""``verify`` covers the rights events (domain/rights.py): a rights event altered, deleted or
inserted past the ledger is named, by the county's verification and the installation's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domain.tenancy import User, user_uuid
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


def test_a_user_from_before_the_rights_chains_keeps_working(own_sql_database_url) -> None:
    """A user added as the ledger did before (no ``by``, no rights chain) signs in, is
    administered, and verifies: the chain covers what is done to them from then on."""
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        place = Tenants(ledger).place()
        username = unique("clerk")
        old = User.add(
            username=username,
            role="clerk",
            password_hash=ledger.tenancy.hasher.hash(PASSWORD),
            county=None,
            township=place.township,
        )
        ledger.app.save(old)  # as before: no rights chain
        state = raw.state(user_uuid(username), 1)
        del state["by"], state["one_time"]  # the fields an Added of then did not have
        raw.set_state(user_uuid(username), 1, state)
        signed = ledger.accounts.sign_in(username=username, password=PASSWORD, client="t")
        assert not signed.must_change_password
        ledger.administration.disable(OPERATOR, username=username)
        assert ledger.app.repository.get(user_uuid(username)).disabled
        ledger.read_model.refresh()
        assert kinds(ledger, place.county) == []
    finally:
        raw.close()
        ledger.close()
