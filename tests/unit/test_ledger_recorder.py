"""Every write of the application goes through the ledger recorder (services/recording.py):
one ``save`` of one ``Write``, whatever the store, chained or not, single or batched."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from domain.access import Principal
from services import open_services
from services.chains import Heads, Links
from services.recording import FenceMoved, InMemoryRecorder, Write, ledger_recorder
from tests.support import Tenants

OPERATOR = Principal.operator("test")


def test_a_command_and_an_import_are_each_one_save_of_one_write(monkeypatch) -> None:
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    township = Tenants(services).township()
    recorder = services.app.ledger_recorder
    assert isinstance(recorder, InMemoryRecorder)
    writes: list[Write] = []
    save = recorder.save
    monkeypatch.setattr(recorder, "save", lambda write: writes.append(write) or save(write))
    services.entries.record(
        OPERATOR, township=township, type="dispute_registered", entry_id="D-1",
        occurred_on="2024-03-01", fields={"source": "screening", "category": "邻里"},
    )  # fmt: skip
    line = (
        '{"township": "%s", "type": "dispute_registered", "id": "D-%d",'
        ' "occurred_on": "2024-03-02", "source": "petition", "category": "land"}'
    )
    services.interchange.import_lines(OPERATOR, [line % (township, n) for n in range(2, 5)])
    assert [len(write.events) for write in writes] == [1, 3]
    assert all(write.links.chain_ids for write in writes)  # each extends the township's chain


def test_a_write_whose_fence_moved_writes_nothing() -> None:
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    recorder = services.app.ledger_recorder
    fenced = uuid4()
    first = StoredEvent(fenced, 1, "topic", b"{}")
    recorder.save(Write([first], Links(services.app.mapper, [], Heads())))
    event = StoredEvent(uuid4(), 1, "topic", b"{}")
    empty = Links(services.app.mapper, [], Heads())
    with pytest.raises(FenceMoved):
        recorder.save(Write([event], empty, fence=((fenced, 2),)))
    assert recorder.select_events_of([event.originator_id]) == {}
    recorder.save(Write([event], empty, fence=((fenced, 1),)))
    assert recorder.select_events_of([event.originator_id]) == {event.originator_id: [event]}


def test_a_store_that_is_no_ledger_recorder_is_refused() -> None:
    with pytest.raises(TypeError, match="not a ledger recorder"):
        ledger_recorder(object())  # type: ignore[arg-type]
