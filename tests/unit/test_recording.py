"""Recording entries through the services (on the in-memory store): references, follow-ups,
retractions and envelope values; tests/integration/test_recording.py runs what the stores
answer (repeats, ids, what is read back) on every store."""

from __future__ import annotations

import pytest

from domain.errors import InvalidField, NotFound, RuleBroken
from tests.support import unique

DISPUTE = {"source": "screening", "category": "land"}
RESOLVED = {"outcome": "resolved", "mediator": "legal_advisor"}


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


def test_reading_a_missing_entry_is_not_found(services, place, clerk):
    with pytest.raises(NotFound) as caught:
        services.entries.entry(clerk, township=place.township, entry_id=unique("D"))
    assert caught.value.field == "id"
