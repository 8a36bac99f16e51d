"""What changed since a point, kept between pages (services/kept_changes.py), is what the read
model's queries give anew: counts and first pages, however the facts arrived after it."""

from __future__ import annotations

import json

import pytest

from projections.periods import Period
from projections.since import Since
from services import open_services
from tests.support import OPERATOR, Tenants


def _registered(township: str, n: int, day: str = "2024-03-05") -> str:
    return json.dumps(
        {"township": township, "type": "dispute_registered", "id": f"D-{n}",
         "occurred_on": day, "source": "petition", "category": "x"}
    )  # fmt: skip


def _retracted(township: str, n: int) -> str:
    return json.dumps(
        {"township": township, "type": "entry_retracted", "id": f"D-{n}",
         "occurred_on": "2024-03-06", "reason": "错录"}
    )  # fmt: skip


@pytest.fixture
def ledger():
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    tenants = Tenants(services)
    return services, tenants.township(), tenants.township()


def _anew(services, since: Since, limit: int) -> tuple[dict, list]:
    queries = services.read_model._queries
    return queries.change_counts(since), queries.changes(since, limit=limit)


def test_counts_and_pages_kept_grow_with_what_is_recorded_after(ledger) -> None:
    services, one, two = ledger
    record, read_model = services.interchange.import_lines, services.read_model
    record(OPERATOR, [_registered(one, 1)])
    read_model.refresh()
    since = Since((one, two), Period.parse("2024"), position=read_model.position())
    assert read_model.change_counts(since) == {} and read_model.changes(since, limit=3) == []
    record(OPERATOR, [_registered(one, 2), _registered(two, 3), _registered(one, 4, "2023-05-01")])
    read_model.refresh()
    assert read_model.change_counts(since) == {
        one: {"recorded": 1, "retracted": 0},
        two: {"recorded": 1, "retracted": 0},
    }
    first = read_model.changes(since, limit=3)
    assert [f.entry_id for f in first] == ["D-2", "D-3"]  # 2023 does not count in 2024
    record(OPERATOR, [_retracted(one, 2), _registered(two, 5), _registered(two, 6)])
    read_model.refresh()
    counts, page = _anew(services, since, 3)
    assert (
        read_model.change_counts(since)
        == counts
        == {
            one: {"recorded": 1, "retracted": 1},
            two: {"recorded": 3, "retracted": 0},
        }
    )
    assert read_model.changes(since, limit=3) == page
    assert [f.entry_id for f in page] == ["D-2", "D-3", "D-2"]
    assert [f.entry_id for f in first] == ["D-2", "D-3"]  # what a page was given stays


def test_a_read_model_rebuilt_from_zero_is_counted_again(ledger) -> None:
    services, one, _ = ledger
    record, read_model = services.interchange.import_lines, services.read_model
    since = Since((one,), Period.parse("2024"), position=0)
    record(OPERATOR, [_registered(one, 1), _registered(one, 2)])
    read_model.refresh()
    assert read_model.change_counts(since)[one]["recorded"] == 2
    read_model.storage.reset()
    record(OPERATOR, [_retracted(one, 1)])  # new facts, seen from a position below the kept
    read_model.refresh()
    assert read_model.change_counts(since) == _anew(services, since, 1)[0]
    assert read_model.change_counts(since)[one] == {"recorded": 2, "retracted": 1}
