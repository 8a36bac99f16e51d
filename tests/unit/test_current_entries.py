"""A township's entries kept between pages (services/current_entries.py) are the entries a fold
of all its facts gives, however the facts arrived; what a reader was given never changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from services import open_services
from tests.support import OPERATOR, Tenants


def _line(township: str, type_: str, id_: str, **fields) -> str:
    return json.dumps(
        {"township": township, "type": type_, "id": id_, "occurred_on": "2024-03-05", **fields}
    )


def _folded(services, township: str) -> dict:
    now = services.read_model.entries(township, as_of=datetime.now(UTC))
    return {s.entry_id: (s.type, len(s.follow_ups), s.retracted_at) for s in now}


def test_entries_kept_between_pages_equal_a_fold_of_every_fact() -> None:
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    township = Tenants(services).township()
    record = services.interchange.import_lines
    record(
        OPERATOR, [_line(township, "dispute_registered", "D-1", source="petition", category="x")]
    )
    services.read_model.refresh()
    first = services.read_model.current_entries(township)
    assert [s.entry_id for s in first] == ["D-1"] and first[0].follow_ups == []
    record(
        OPERATOR,
        [
            _line(township, "dispute_mediated", "D-1", outcome="resolved", mediator="other"),
            _line(township, "issue_found", "I-1", category="c", description="d",
                  deadline="2024-04-01"),
        ],
    )  # fmt: skip
    services.read_model.refresh()
    second = services.read_model.current_entries(township)
    kept = {s.entry_id: (s.type, len(s.follow_ups), s.retracted_at) for s in second}
    assert kept == _folded(services, township)
    assert first[0].follow_ups == []  # what the first page was given stays as it was
    record(OPERATOR, [_line(township, "entry_retracted", "I-1", reason="错录")])
    services.read_model.refresh()
    third = {s.entry_id: s.retracted_at for s in services.read_model.current_entries(township)}
    assert third["I-1"] is not None and third["D-1"] is None


def test_a_read_model_rebuilt_from_zero_is_read_again() -> None:
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    township = Tenants(services).township()
    line = _line(township, "dispute_registered", "D-1", source="petition", category="x")
    services.interchange.import_lines(OPERATOR, [line])
    services.read_model.refresh()
    assert len(services.read_model.current_entries(township)) == 1
    services.read_model.storage.reset()  # a rebuild's start: the position back to 0
    assert services.read_model.current_entries(township) == []
    services.read_model.refresh()
    assert len(services.read_model.current_entries(township)) == 1
