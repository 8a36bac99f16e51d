"""Recording entries through the services, on every store: repeats, ids, references,
follow-ups and the history an auditor reads."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import InvalidField, NotFound, RuleBroken
from tests.support import unique

DISPUTE = {"source": "screening", "category": "land"}
RESOLVED = {"outcome": "resolved", "mediator": "legal_advisor"}


@pytest.fixture
def clerk(place):
    return place.clerk()


@pytest.fixture
def record(services, place, clerk):
    """Record one line in the place's township as its clerk."""

    def record(type_, entry_id, occurred_on="2024-03-05", principal=None, **fields):
        return services.entries.record(
            principal or clerk,
            township=place.township,
            type=type_,
            entry_id=entry_id,
            occurred_on=occurred_on,
            fields=fields,
        )

    return record


@pytest.fixture
def history(services, place, clerk):
    def history(entry_id):
        return services.entries.entry(clerk, township=place.township, entry_id=entry_id)

    return history


def test_the_same_command_twice_is_recorded_once(record, history):
    first = record("dispute_registered", "D-1", **DISPUTE)
    again = record("dispute_registered", "D-1", **DISPUTE)
    assert (first.status, again.status) == ("recorded", "repeat")
    assert len(history("D-1").history) == 1


def test_the_same_follow_up_twice_is_recorded_once(record, history):
    record("dispute_registered", "D-1", **DISPUTE)
    first = record("dispute_mediated", "D-1", "2024-03-19", **RESOLVED)
    again = record("dispute_mediated", "D-1", "2024-03-19", **RESOLVED)
    assert (first.status, again.status) == ("recorded", "repeat")
    assert [item.type for item in history("D-1").history] == [
        "dispute_registered",
        "dispute_mediated",
    ]


@pytest.mark.parametrize(
    ("occurred_on", "fields"),
    [
        ("2024-03-06", DISPUTE),
        ("2024-03-05", {**DISPUTE, "category": "family"}),
    ],
)
def test_an_id_again_with_other_values_is_refused(record, history, occurred_on, fields):
    record("dispute_registered", "D-1", **DISPUTE)
    with pytest.raises(RuleBroken) as caught:
        record("dispute_registered", "D-1", occurred_on, **fields)
    assert caught.value.field == "id"
    assert history("D-1").history[0].fields["category"] == "land"


def test_an_id_is_not_taken_by_two_kinds_of_entry(record, history):
    record("dispute_registered", "X-1", **DISPUTE)
    with pytest.raises(RuleBroken) as caught:
        record("session_held", "X-1", kind="lecture", title="讲座", attendees=10)
    assert caught.value.field == "id"
    assert history("X-1").type == "dispute_registered"


def test_a_follow_up_of_another_kind_of_entry_is_refused(record):
    record("dispute_registered", "D-1", **DISPUTE)
    with pytest.raises(RuleBroken) as caught:
        record("issue_rectified", "D-1", "2024-03-10")
    assert caught.value.field == "type"


def test_a_follow_up_needs_its_entry(record):
    with pytest.raises(NotFound) as caught:
        record("dispute_mediated", "D-404", **RESOLVED)
    assert caught.value.field == "id"


def test_a_retraction_needs_its_entry(record):
    with pytest.raises(NotFound) as caught:
        record("entry_retracted", "D-404", reason="typo")
    assert caught.value.field == "id"


ISSUE = {"category": "消防安全", "description": "灭火器过期", "deadline": "2024-04-30"}


def test_an_issue_names_an_inspection_that_exists(record, history):
    record("inspection_conducted", "I-1", area="农贸市场")
    assert record("issue_found", "P-1", inspection="I-1", **ISSUE).status == "recorded"
    assert history("P-1").history[0].fields["inspection"] == "I-1"


@pytest.mark.parametrize("inspection", ["I-404", "D-1", "I-gone"])
def test_an_issue_naming_no_inspection_is_refused(record, inspection):
    record("dispute_registered", "D-1", **DISPUTE)
    record("inspection_conducted", "I-gone", area="农贸市场")
    record("entry_retracted", "I-gone", reason="never happened")
    with pytest.raises(InvalidField) as caught:
        record("issue_found", "P-1", inspection=inspection, **ISSUE)
    assert caught.value.field == "inspection"


def test_a_resolved_dispute_stays_resolved_when_read_back(record):
    record("dispute_registered", "D-1", **DISPUTE)
    record("dispute_mediated", "D-1", "2024-03-10", outcome="failed", mediator="volunteer")
    record("dispute_mediated", "D-1", "2024-03-19", **RESOLVED)
    with pytest.raises(RuleBroken) as caught:
        record("dispute_mediated", "D-1", "2024-03-25", outcome="failed", mediator="volunteer")
    assert caught.value.field == "id"


def test_an_issue_is_rectified_once_when_read_back(record):
    record("issue_found", "P-1", **ISSUE)
    record("issue_rectified", "P-1", "2024-04-01")
    with pytest.raises(RuleBroken):
        record("issue_rectified", "P-1", "2024-04-02")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_on": "2024-02-30"}, "occurred_on"),
        ({"occurred_on": "05/03/2024"}, "occurred_on"),
        ({"occurred_on": None}, "occurred_on"),
        ({"entry_id": ""}, "id"),
        ({"entry_id": "x" * 129}, "id"),
        ({"type": "dispute_filed"}, "type"),
    ],
)
def test_bad_envelope_values_are_refused_by_name(services, place, clerk, changes, field):
    command = {"type": "dispute_registered", "entry_id": "D-1", "occurred_on": "2024-03-05"}
    with pytest.raises(InvalidField) as caught:
        services.entries.record(
            clerk, township=place.township, fields=DISPUTE, **{**command, **changes}
        )
    assert caught.value.field == field


def test_a_retracted_entry_takes_no_follow_up(record, history):
    record("hotline_case_received", "H-1")
    record("entry_retracted", "H-1", "2024-03-06", reason="a duplicate of H-0")
    with pytest.raises(RuleBroken) as caught:
        record("hotline_case_answered", "H-1", "2024-03-07", resolved=True)
    assert caught.value.field == "id"
    assert history("H-1").retracted


def test_the_history_shows_who_recorded_what_and_when_and_the_retraction(
    record, history, place, clerk
):
    head = place.head()
    before = datetime.now(UTC)
    record("dispute_registered", "D-1", **DISPUTE)
    record("dispute_mediated", "D-1", "2024-03-09", outcome="failed", mediator="volunteer")
    record("entry_retracted", "D-1", "2024-03-12", principal=head, reason="wrong township")
    after = datetime.now(UTC)

    view = history("D-1")
    assert (view.township, view.entry_id, view.type) == (
        place.township,
        "D-1",
        "dispute_registered",
    )
    assert view.occurred_on == date(2024, 3, 5)
    assert view.retracted
    assert [(i.type, i.occurred_on, i.recorded_by) for i in view.history] == [
        ("dispute_registered", date(2024, 3, 5), clerk.username),
        ("dispute_mediated", date(2024, 3, 9), clerk.username),
        ("entry_retracted", date(2024, 3, 12), head.username),
    ]
    assert view.history[2].fields == {"reason": "wrong township"}
    times = [item.recorded_at for item in view.history]
    assert all(t.utcoffset() == timedelta(0) for t in times)
    assert before <= times[0] <= times[1] <= times[2] <= after


def test_reading_a_missing_entry_is_not_found(services, place, clerk):
    with pytest.raises(NotFound) as caught:
        services.entries.entry(clerk, township=place.township, entry_id=unique("D"))
    assert caught.value.field == "id"
