"""The ledger recorder's own queries (services/recording.py) on every store: the events of many
aggregates at once, each one's last event only, or each one's last version without its events
(the audit pages' chain list and timestamps: two queries for a county, not two a township)."""

from __future__ import annotations

from uuid import uuid4

from domain.chain import chain_uuid
from services import Services
from tests.integration.conftest import Towns
from tests.integration.tampering import two_disputes


def test_the_events_of_many_aggregates_or_each_ones_last(ledger: Services, towns: Towns) -> None:
    county, (a, b) = towns.townships(2)
    towns.import_lines(two_disputes(a))
    towns.import_lines(two_disputes(b))
    towns.record(a, "dispute_mediated", "D-2", "2024-03-09", outcome="failed", mediator="other")
    recorder = ledger.app.ledger_recorder
    chains, none = [chain_uuid(a), chain_uuid(b)], uuid4()
    every = recorder.select_events_of([*chains, none])
    assert set(every) == set(chains)
    assert len(every[chains[0]]) == len(every[chains[1]]) + 1  # the mediation's link
    versions = {key: events[-1].originator_version for key, events in every.items()}
    assert [e.originator_version for e in every[chains[0]]] == list(
        range(1, versions[chains[0]] + 1)
    )
    last = recorder.select_events_of([*chains, none], last=True)
    assert last == {key: events[-1:] for key, events in every.items()}
    assert recorder.versions_of([*chains, none]) == versions
    assert recorder.versions_of([none]) == {} and recorder.versions_of([]) == {}
