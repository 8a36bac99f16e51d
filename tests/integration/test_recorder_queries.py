"""The ledger recorder's own query (services/recording.py ``select_events_of``) on every store:
the events of many aggregates at once, or each one's last event only (the audit pages' chain
heads and timestamps: two queries for a county, not two a township)."""

from __future__ import annotations

from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from services import Services
from services.chains import Heads, Links
from services.recording import Write


def test_the_events_of_many_aggregates_or_each_ones_last(ledger: Services) -> None:
    recorder = ledger.app.ledger_recorder
    a, b, none = uuid4(), uuid4(), uuid4()
    events = [
        StoredEvent(a, 1, "topic", b'{"n":1}'),
        StoredEvent(a, 2, "topic", b'{"n":2}'),
        StoredEvent(a, 3, "topic", b'{"n":3}'),
        StoredEvent(b, 1, "topic", b'{"n":4}'),
    ]
    recorder.save(Write(events, Links(ledger.app.mapper, [], Heads())))
    assert recorder.select_events_of([a, b, none]) == {a: events[:3], b: events[3:]}
    assert recorder.select_events_of([a, b, none], last=True) == {a: [events[2]], b: [events[3]]}
    assert recorder.select_events_of([none], last=True) == {}
    assert recorder.versions_of([a, b, none]) == {a: 3, b: 1}
    assert recorder.versions_of([]) == {}
