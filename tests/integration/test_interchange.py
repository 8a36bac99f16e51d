"""Import and export of the interchange format on every store: the seed township's year,
all-or-nothing files, repeats, and export → import → export giving the same lines."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from infra.settings import event_store_env
from services import open_services
from services.interchange import ImportRejected, dumps
from tests.support import OPERATOR, alone, seed_year


def jsonl(lines: list[dict]) -> list[str]:
    return [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]


def exported(services, township: str) -> list[dict]:
    return list(services.interchange.export(OPERATOR, township=township))


@pytest.fixture
def seed(place):
    """The seed township's 2024, written for a fresh township."""
    return seed_year(place.township)


def test_the_seed_year_is_recorded_exactly(services, place, seed):
    result = services.interchange.import_lines(OPERATOR, jsonl(seed))
    assert (result.lines, result.recorded, result.repeats) == (len(seed), len(seed), 0)
    counts = Counter(line["type"] for line in exported(services, place.township))
    assert counts == Counter(line["type"] for line in seed)
    assert len(counts) == 15 and sum(counts.values()) == len(seed) == 2188


def test_a_second_import_records_nothing(services, place, seed):
    services.interchange.import_lines(OPERATOR, jsonl(seed))
    again = services.interchange.import_lines(OPERATOR, jsonl(seed))
    assert (again.lines, again.recorded, again.repeats) == (len(seed), 0, len(seed))
    assert len(exported(services, place.township)) == len(seed)


def test_blank_lines_are_neither_recorded_nor_repeats(services, place):
    line = {"township": place.township, "type": "liaison_registered", "id": "L-1"}
    lines = ["\n", json.dumps({**line, "occurred_on": "2024-01-02"}) + "\n", "   \n"]
    result = services.interchange.import_lines(OPERATOR, lines)
    assert (result.recorded, result.repeats) == (1, 0)


@pytest.mark.parametrize(
    ("bad_line", "field"),
    [
        ({"type": "dispute_mediated", "outcome": "settled"}, "outcome"),
        ({"type": "hotline_case_answered", "resolved": "yes"}, "resolved"),
        ({"type": "session_held", "attendees": -3}, "attendees"),
        ({"type": "issue_found", "deadline": "2023-12-31"}, "deadline"),
        ({"type": "volunteer_pledged", "shoe_size": 42}, "shoe_size"),
        ({"type": "meeting_held", "occurred_on": "2024-13-01"}, "occurred_on"),
    ],
)
def test_one_bad_line_rejects_the_whole_file(services, place, seed, bad_line, field):
    at = next(n for n in alone(seed) if seed[n]["type"] == bad_line["type"])
    lines = list(seed)
    lines[at] = {**seed[at], **bad_line}
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(OPERATOR, jsonl(lines))
    (error,) = caught.value.errors
    assert (error.line, error.field) == (at + 1, field)
    assert str(error).startswith(f"line {at + 1}: {field}: ")
    assert exported(services, place.township) == []


def test_a_line_that_is_not_json_rejects_the_file(services, place, seed):
    lines = jsonl(seed[:10])
    lines.insert(4, '{"township": "x", "type": \n')
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(OPERATOR, lines)
    (error,) = caught.value.errors
    assert error.line == 5
    assert "JSON" in error.message
    assert exported(services, place.township) == []


def test_every_bad_line_is_reported(services, place, seed):
    first, second, third = alone(seed[:300])[2:5]
    lines = jsonl(seed[:300])
    lines[first] = "[1, 2]\n"
    lines[second] = json.dumps({**seed[second], "type": "dispute_filed"}) + "\n"
    lines[third] = json.dumps({**seed[third], "occurred_on": "yesterday"}) + "\n"
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(OPERATOR, lines)
    assert [(e.line, e.field) for e in caught.value.errors] == [
        (first + 1, None),
        (second + 1, "type"),
        (third + 1, "occurred_on"),
    ]
    assert exported(services, place.township) == []


def test_a_bad_file_changes_nothing_already_recorded(services, place, seed):
    services.interchange.import_lines(OPERATOR, jsonl(seed[:100]))
    bad = jsonl(seed[100:200]) + ["not json\n"]
    with pytest.raises(ImportRejected):
        services.interchange.import_lines(OPERATOR, bad)
    assert exported(services, place.township) == seed[:100]


def test_lines_of_an_unknown_township_are_refused(services, place, seed):
    lines = jsonl(seed[:3]) + jsonl([{**seed[3], "township": "atlantis"}])
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(OPERATOR, lines)
    (error,) = caught.value.errors
    assert (error.line, error.field) == (4, "township")
    assert "atlantis" in error.message
    assert exported(services, place.township) == []


def test_a_follow_up_before_its_entry_in_the_file_is_refused(services, place):
    dispute = {"township": place.township, "id": "D-1"}
    lines = [
        {**dispute, "type": "dispute_mediated", "occurred_on": "2024-03-19", "outcome": "resolved"}
        | {"mediator": "volunteer"},
        {**dispute, "type": "dispute_registered", "occurred_on": "2024-03-05"}
        | {"source": "screening", "category": "land"},
    ]
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(OPERATOR, jsonl(lines))
    assert [(e.line, e.field) for e in caught.value.errors] == [(1, "id")]


def test_export_then_import_into_an_empty_ledger_gives_the_same_lines(
    services, place, seed, empty_database_url
):
    services.interchange.import_lines(OPERATOR, jsonl(seed))
    first = [dumps(line) for line in exported(services, place.township)]
    assert [json.loads(line) for line in first] == seed

    empty = open_services({**event_store_env(empty_database_url), "CREATE_TABLE": "y"})
    try:
        empty.tenancy.add_county(OPERATOR, code=place.county, name="县")
        empty.tenancy.add_township(OPERATOR, county=place.county, code=place.township, name="镇")
        result = empty.interchange.import_lines(OPERATOR, [line + "\n" for line in first])
        second = [dumps(line) for line in exported(empty, place.township)]
    finally:
        empty.close()
    assert result.recorded == len(seed)
    assert second == first


def test_a_file_of_many_bad_lines_lists_the_first_hundred_in_line_order(services, place):
    good = {"township": place.township, "type": "liaison_registered", "occurred_on": "2024-01-02"}
    lines = [json.dumps({**good, "id": f"L-{n}"}) for n in range(50)]
    lines += ["not json"] * 80 + [json.dumps({**good, "id": "L-bad", "post": "x"})] * 80
    with pytest.raises(ImportRejected) as rejected:
        services.interchange.import_lines(OPERATOR, lines)
    numbers = [error.line for error in rejected.value.errors]
    assert numbers == list(range(51, 151))
    assert "only the first ones are listed" in rejected.value.message
    assert exported(services, place.township) == []


def test_a_writer_racing_an_import_stops_it_with_a_conflict_and_a_rerun_completes_it(
    services, place, monkeypatch
):
    from domain.errors import Conflict
    from services.entries import UnitOfWork

    lines = jsonl(
        [
            {
                "township": place.township,
                "type": "officer_certified",
                "id": f"O-{n}",
                "occurred_on": "2024-02-01",
            }
            for n in range(3)
        ]
    )
    write = UnitOfWork.write

    def racing_write(uow, *args, **kwargs):
        monkeypatch.setattr(UnitOfWork, "write", write)
        services.entries.record(
            OPERATOR,
            township=place.township,
            type="officer_certified",
            entry_id="O-1",
            occurred_on="2024-02-01",
            fields={},
        )
        return write(uow, *args, **kwargs)

    monkeypatch.setattr(UnitOfWork, "write", racing_write)
    with pytest.raises(Conflict, match="import the same file again"):
        services.interchange.import_lines(OPERATOR, lines)
    again = services.interchange.import_lines(OPERATOR, lines)
    assert (again.recorded, again.repeats) == (2, 1)
    assert sorted(line["id"] for line in exported(services, place.township)) == [
        "O-0",
        "O-1",
        "O-2",
    ]


def test_an_optional_field_given_as_its_default_is_exported_as_given(services, place):
    """docs/interchange.md: optional fields that were not given are left out of an export;
    one given as its default (no materials handed out, no law named) was given, and comes back.
    Sent again without them, the line is the same line: a repeat, not a change."""
    given = {
        "township": place.township, "type": "session_held", "id": "S-default",
        "occurred_on": "2024-03-05", "kind": "lecture", "title": "宪法宣传",
        "attendees": 30, "materials": 0, "laws": [],
    }  # fmt: skip
    not_given = {
        "township": place.township, "type": "session_held", "id": "S-absent",
        "occurred_on": "2024-03-05", "kind": "lecture", "title": "民法典讲座", "attendees": 12,
    }  # fmt: skip
    services.interchange.import_lines(OPERATOR, jsonl([given, not_given]))
    assert exported(services, place.township) == [given, not_given]
    without = {k: v for k, v in given.items() if k not in ("materials", "laws")}
    again = services.interchange.import_lines(OPERATOR, jsonl([without]))
    assert (again.recorded, again.repeats) == (0, 1)
