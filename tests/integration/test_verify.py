"""``verify`` on SQLite and PostgreSQL: a ledger as recorded passes; each way of tampering
with the database directly is detected, and the record is named."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from domain.chain import chain_uuid
from domain.entry import entry_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.verification import KINDS
from tests.integration.conftest import Towns
from tests.integration.tampering import RawStore, two_disputes
from tests.support import OPERATOR, line


@dataclass
class Recorded:
    ledger: Services
    raw: RawStore
    town: str
    other: str

    def verify(self, township: str | None = None):
        result = self.ledger.verifier.verify(OPERATOR, township=township)
        # Every finding says what kind it is, for the pages to word it
        assert all(finding.kind in KINDS for finding in result.findings)
        return result


@pytest.fixture
def recorded(own_sql_database_url: str) -> Iterator[Recorded]:
    """Two townships: an import (one link each), then single commands (a link each)."""
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    towns = Towns(ledger)
    _, (town, other) = towns.townships(2)
    towns.import_lines(
        [
            *two_disputes(town),
            line(other, "dispute_registered", "D-1", "2024-04-01", source="other", category="劳动"),
        ]
    )
    towns.record(town, "dispute_registered", "D-3", "2024-05-01", source="other", category="劳动")
    towns.record(town, "entry_retracted", "D-2", "2024-05-02", reason="重复登记")
    ledger.read_model.refresh()
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        yield Recorded(ledger, raw, town, other)
    finally:
        raw.close()
        ledger.close()


def test_an_untouched_ledger_verifies(recorded: Recorded) -> None:
    result = recorded.verify()
    assert result.ok, result.summary()
    assert (result.townships, result.events, result.links) == (2, 6, 4)
    assert recorded.verify(recorded.town).events == 5


def test_a_changed_field_is_named(recorded: Recorded) -> None:
    key = entry_uuid(recorded.town, "D-1")
    state = recorded.raw.state(key, 1)
    state["category"] = "婚姻"
    recorded.raw.set_state(key, 1, state)
    first = recorded.verify().first
    assert (first.township, first.entry_id, first.version) == (recorded.town, "D-1", 1)
    assert "differs from what link 1 recorded" in first.what


def test_a_deleted_row_is_named(recorded: Recorded) -> None:
    recorded.raw.delete(entry_uuid(recorded.town, "D-1"), 2)
    first = recorded.verify(recorded.town).first
    assert (first.township, first.entry_id, first.version) == (recorded.town, "D-1", 2)
    assert "covered by link 1 but missing" in first.what


def test_swapped_payloads_are_named(recorded: Recorded) -> None:
    one, two = entry_uuid(recorded.town, "D-1"), entry_uuid(recorded.town, "D-2")
    first_state, second_state = recorded.raw.state(one, 1), recorded.raw.state(two, 1)
    recorded.raw.set_state(one, 1, second_state)
    recorded.raw.set_state(two, 1, first_state)
    first = recorded.verify().first
    assert first.township == recorded.town and first.version == 1
    assert first.entry_id in ("D-1", "D-2")
    assert "another entry's id" in first.what or "differs" in first.what


def test_an_inserted_row_is_named(recorded: Recorded) -> None:
    key = entry_uuid(recorded.other, "D-1")
    mediated = recorded.raw.state(entry_uuid(recorded.town, "D-1"), 2)
    mediated["township"] = recorded.other
    topic = recorded.raw.topic(entry_uuid(recorded.town, "D-1"), 2)
    recorded.raw.insert(key, 2, topic, mediated)
    first = recorded.verify().first
    assert (first.township, first.entry_id, first.version) == (recorded.other, "D-1", 2)
    assert "covered by no link" in first.what


def test_a_deleted_link_is_named(recorded: Recorded) -> None:
    recorded.raw.delete(chain_uuid(recorded.town), 2)
    result = recorded.verify()
    # The first record in the log that no longer matches: the event the link covered.
    assert (result.first.entry_id, result.first.version) == ("D-3", 1)
    assert "covered by no link" in result.first.what
    assert any(f.version == 2 and "link 2 is missing" in f.what for f in result.findings)


def test_a_changed_read_model_row_is_named(recorded: Recorded) -> None:
    recorded.raw.execute(
        "UPDATE ledger_rm_facts SET actor = 'someone' WHERE township = ? AND entry_id = 'D-3'",
        (recorded.town,),
    )
    first = recorded.verify().first
    assert (first.township, first.entry_id) == (recorded.town, "D-3")
    assert "read model's fact differs from a replay in actor" in first.what


def test_a_changed_tally_is_named(recorded: Recorded) -> None:
    recorded.raw.execute(
        "UPDATE ledger_rm_tallies SET counts = ? WHERE township = ? AND period = '2024'",
        ('{"disputes.registered": 9}', recorded.other),
    )
    first = recorded.verify().first
    assert first.township == recorded.other
    assert "2024 tallies differ from a replay" in first.what
    assert "disputes.registered 9 (replay 1)" in first.what
