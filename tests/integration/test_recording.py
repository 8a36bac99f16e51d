"""Recording entries on every store: a repeat and a reused id are caught by the store's
unique key, and what is read back (states, recording times, actors) is what was recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import RuleBroken

DISPUTE = {"source": "screening", "category": "land"}
RESOLVED = {"outcome": "resolved", "mediator": "legal_advisor"}
ISSUE = {"category": "消防安全", "description": "灭火器过期", "deadline": "2024-04-30"}


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
