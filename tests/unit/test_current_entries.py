"""A township's entries kept between pages (services/current_entries.py) are the entries a fold
of all its facts gives, however the facts arrived; what a reader was given never changes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from projections.figures import ATTACHED, RETRACTION, Fact, fold
from services import open_services
from tests.support import OPERATOR, Tenants


def _line(township: str, type_: str, id_: str, **fields) -> str:
    return json.dumps(
        {"township": township, "type": type_, "id": id_, "occurred_on": "2024-03-05", **fields}
    )


def _folded(services, township: str) -> dict:
    now = fold(services.read_model.facts(township)).values()
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


T0 = datetime(2025, 3, 1, 8, tzinfo=UTC)


def _fact(n: int, type_: str, entry: str = "D-1", **payload) -> Fact:
    day = date(2025, 2, 1)
    at = T0 + timedelta(hours=n)
    return Fact(n, "t1", entry, "dispute_registered", day, type_, day, at, "clerk", payload)


HISTORY = [
    _fact(1, "dispute_registered", source="petition", category="x"),
    _fact(2, "dispute_registered", "D-2", source="petition", category="x"),
    _fact(3, "evidence_attached", sha256="a" * 64),
    _fact(4, "dispute_mediated", outcome="failed", mediator="other"),
    _fact(5, "evidence_retracted", sha256="a" * 64),
    _fact(6, "dispute_mediated", outcome="resolved", mediator="other"),
    _fact(7, RETRACTION, "D-2", reason="错录"),
]


@pytest.mark.parametrize("hours", range(0, 9))
def test_an_entry_as_of_a_moment_is_the_fold_of_the_facts_recorded_by_then(hours) -> None:
    """The as-of figures read the kept entries as they were (``EntryState.as_of``): the same
    states as folding only the facts recorded by the moment, evidence and retractions too."""
    assert HISTORY[2].type == ATTACHED
    moment = T0 + timedelta(hours=hours)
    now = fold(HISTORY)
    then = fold(f for f in HISTORY if f.recorded_at <= moment)
    derived = {k: s.as_of(moment) for k, s in now.items()}
    assert {k: v for k, v in derived.items() if v is not None} == then
    for key, state in then.items():
        assert derived[key].carries_evidence == state.carries_evidence


def test_an_entry_unchanged_since_the_moment_is_itself() -> None:
    state = fold(HISTORY)[("t1", "D-1")]
    assert state.as_of(T0 + timedelta(days=1)) is state
    assert state.as_of(T0 + timedelta(hours=3)) is not state
    assert state.as_of(T0 + timedelta(hours=3)).carries_evidence
    assert not state.carries_evidence
