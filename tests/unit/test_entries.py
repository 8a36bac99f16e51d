"""Entry aggregates on their own (no store): each invariant refuses a bad command, naming the
field, and a line already recorded is recognised as a repeat."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.catalogue import CREATIONS, FOLLOW_UPS
from domain.entry import Entry
from domain.errors import InvalidField, RuleBroken

DAY = date(2024, 3, 5)

# One valid set of fields for every type that creates an entry.
VALID: dict[str, dict[str, Any]] = {
    "session_held": {
        "kind": "lecture",
        "title": "民法典讲座",
        "attendees": 40,
        "laws": ["中华人民共和国民法典"],
        "reached": 120,
        "materials": 30,
    },
    "meeting_held": {"matters_decided": 2},
    "decision_reviewed": {
        "title": "集贸市场搬迁方案",
        "steps": ["legality_review", "collective_decision"],
        "reviewer": "legal_advisor",
        "result": "approved",
    },
    "inspection_conducted": {"area": "农贸市场"},
    "issue_found": {"category": "消防安全", "description": "灭火器过期", "deadline": "2024-04-05"},
    "dispute_registered": {"source": "screening", "category": "land"},
    "hotline_case_received": {},
    "advisor_appointed": {"level": "township"},
    "liaison_registered": {},
    "volunteer_pledged": {"post": "mediation"},
    "officer_certified": {},
    "report_narrative": {"year": 2024, "problems": "人手不足", "next_steps": "加强培训"},
    "report_submitted": {"year": 2024},
    "quarter_submitted": {"year": 2024, "quarter": 1},
}
RESOLVED = {"outcome": "resolved", "mediator": "mediation_committee"}
FAILED = {"outcome": "failed", "mediator": "volunteer"}


def record(type_: str, occurred_on: date = DAY, **changes: Any) -> Entry:
    """Record a valid entry of ``type_`` with ``changes`` (``...`` leaves a field out)."""
    fields = {**VALID[type_], **changes}
    fields = {name: value for name, value in fields.items() if value is not ...}
    return CREATIONS[type_].record(
        township="gongliu", entry_id="E-1", occurred_on=occurred_on, actor="clerk", fields=fields
    )


def follow(entry: Entry, type_: str, occurred_on: date = DAY, **fields: Any) -> None:
    entry.follow_up(type_, occurred_on=occurred_on, actor="clerk", fields=fields)


def assert_refused(error_class: type[Exception], field: str, command, *args, **kwargs) -> None:
    with pytest.raises(error_class) as caught:
        command(*args, **kwargs)
    assert caught.value.field == field, str(caught.value)


# -- every type is recordable ----------------------------------------------------------------


def test_every_documented_type_has_valid_example_here():
    assert set(VALID) == set(CREATIONS)
    assert set(FOLLOW_UPS) >= {
        "issue_rectified",
        "dispute_mediated",
        "hotline_case_answered",
        "entry_retracted",
    }


@pytest.mark.parametrize("type_", sorted(VALID))
def test_a_valid_entry_is_recorded_with_township_date_and_actor(type_):
    entry = record(type_)
    (event,) = entry.collect_events()
    assert (event.township, event.entry_id, event.occurred_on, event.actor) == (
        "gongliu",
        "E-1",
        DAY,
        "clerk",
    )
    assert event.timestamp.utcoffset().total_seconds() == 0
    assert entry.type == type_


# -- issues --------------------------------------------------------------------------------


def test_an_issue_is_rectified_only_once():
    issue = record("issue_found")
    follow(issue, "issue_rectified", date(2024, 3, 20))
    assert_refused(RuleBroken, "id", follow, issue, "issue_rectified", date(2024, 3, 21))


def test_an_issue_is_not_rectified_before_it_was_found():
    issue = record("issue_found")
    assert_refused(RuleBroken, "occurred_on", follow, issue, "issue_rectified", date(2024, 3, 4))


def test_an_issue_may_be_rectified_the_day_it_was_found():
    issue = record("issue_found")
    follow(issue, "issue_rectified", DAY)
    assert issue.rectified_on == DAY


def test_a_deadline_is_not_before_the_finding():
    assert_refused(RuleBroken, "deadline", record, "issue_found", deadline="2024-03-04")


def test_a_deadline_may_be_the_day_of_the_finding():
    assert record("issue_found", deadline="2024-03-05").deadline == DAY


# -- disputes ------------------------------------------------------------------------------


def test_a_resolved_dispute_is_not_mediated_again():
    dispute = record("dispute_registered")
    follow(dispute, "dispute_mediated", date(2024, 3, 19), **RESOLVED)
    assert_refused(
        RuleBroken, "id", follow, dispute, "dispute_mediated", date(2024, 4, 1), **FAILED
    )


def test_a_failed_mediation_may_be_followed_by_another():
    dispute = record("dispute_registered")
    follow(dispute, "dispute_mediated", date(2024, 3, 19), **FAILED)
    follow(dispute, "dispute_mediated", date(2024, 3, 25), **FAILED)
    follow(dispute, "dispute_mediated", date(2024, 4, 2), **RESOLVED)
    assert dispute.resolved_on == date(2024, 4, 2)
    assert_refused(
        RuleBroken, "id", follow, dispute, "dispute_mediated", date(2024, 4, 3), **RESOLVED
    )


def test_a_dispute_is_not_mediated_before_it_was_registered():
    dispute = record("dispute_registered")
    assert_refused(
        RuleBroken, "occurred_on", follow, dispute, "dispute_mediated", date(2024, 3, 1), **RESOLVED
    )


# -- hotline -------------------------------------------------------------------------------


def test_a_hotline_case_is_answered_only_once():
    case = record("hotline_case_received")
    follow(case, "hotline_case_answered", resolved=True)
    assert_refused(RuleBroken, "id", follow, case, "hotline_case_answered", resolved=False)


def test_a_hotline_answer_says_true_or_false():
    case = record("hotline_case_received")
    assert_refused(InvalidField, "resolved", follow, case, "hotline_case_answered", resolved="yes")


# -- values --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, True, 1.5, "3"], ids=["negative", "bool", "float", "text"])
@pytest.mark.parametrize(
    ("type_", "field"),
    [
        ("session_held", "attendees"),
        ("session_held", "reached"),
        ("session_held", "materials"),
        ("meeting_held", "matters_decided"),
    ],
)
def test_counts_are_whole_numbers_not_below_zero(type_, field, bad):
    assert_refused(InvalidField, field, record, type_, **{field: bad})


def test_a_count_of_zero_is_fine():
    assert record("session_held", attendees=0, reached=0, materials=0).kind == "lecture"


@pytest.mark.parametrize(
    ("type_", "field", "bad"),
    [
        ("session_held", "kind", "seminar"),
        ("dispute_registered", "source", "rumour"),
        ("decision_reviewed", "steps", ["legality_review", "coin_toss"]),
        ("decision_reviewed", "reviewer", "mayor"),
        ("decision_reviewed", "result", "postponed"),
        ("decision_reviewed", "steps", "legality_review"),
        ("advisor_appointed", "level", "county"),
        ("volunteer_pledged", "post", "cooking"),
        ("session_held", "laws", "民法典"),
        ("session_held", "title", "   "),
        ("inspection_conducted", "area", 7),
        ("report_narrative", "year", "2024"),
        ("report_submitted", "year", 24),
        ("report_submitted", "year", True),
    ],
)
def test_only_documented_values_are_taken(type_, field, bad):
    assert_refused(InvalidField, field, record, type_, **{field: bad})


@pytest.mark.parametrize(
    ("outcome", "mediator", "field"),
    [("settled", "volunteer", "outcome"), ("resolved", "judge", "mediator")],
)
def test_a_mediation_takes_only_documented_outcomes_and_mediators(outcome, mediator, field):
    dispute = record("dispute_registered")
    assert_refused(
        InvalidField, field, follow, dispute, "dispute_mediated", outcome=outcome, mediator=mediator
    )


def test_a_step_is_not_listed_twice():
    steps = ["legality_review", "legality_review"]
    assert_refused(InvalidField, "steps", record, "decision_reviewed", steps=steps)


def test_steps_are_kept_in_documented_order():
    decision = record("decision_reviewed", steps=["disclosure", "public_participation"])
    (event,) = decision.collect_events()
    assert event.steps == ("public_participation", "disclosure")


def test_an_unknown_field_is_refused_by_its_name():
    assert_refused(InvalidField, "colour", record, "dispute_registered", colour="red")


@pytest.mark.parametrize(
    ("type_", "field"),
    [
        ("session_held", "kind"),
        ("session_held", "title"),
        ("session_held", "attendees"),
        ("issue_found", "deadline"),
        ("dispute_registered", "source"),
        ("decision_reviewed", "steps"),
        ("report_submitted", "year"),
    ],
)
def test_a_missing_required_field_is_refused_by_its_name(type_, field):
    assert_refused(InvalidField, field, record, type_, **{field: ...})


def test_optional_fields_may_be_left_out():
    entry = record("session_held", laws=..., reached=..., materials=...)
    (event,) = entry.collect_events()
    assert (event.laws, event.reached, event.materials) == (None, None, None)


def test_a_mediation_without_its_outcome_is_refused():
    dispute = record("dispute_registered")
    assert_refused(
        InvalidField, "outcome", follow, dispute, "dispute_mediated", mediator="volunteer"
    )


@pytest.mark.parametrize("bad", ["2024-02-30", "2024/04/05", "5 April 2024", 20240405, ""])
def test_a_bad_deadline_date_is_refused(bad):
    assert_refused(InvalidField, "deadline", record, "issue_found", deadline=bad)


# -- retractions ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [..., "", "  "], ids=["missing", "empty", "blank"])
def test_a_retraction_gives_a_reason(reason):
    dispute = record("dispute_registered")
    fields = {} if reason is ... else {"reason": reason}
    assert_refused(InvalidField, "reason", follow, dispute, "entry_retracted", **fields)


def test_a_retracted_entry_takes_no_follow_up():
    dispute = record("dispute_registered")
    follow(dispute, "entry_retracted", reason="recorded twice by mistake")
    assert dispute.retracted is not None
    assert_refused(RuleBroken, "id", follow, dispute, "dispute_mediated", **RESOLVED)
    assert_refused(RuleBroken, "id", follow, dispute, "entry_retracted", reason="again")


def test_a_retraction_follows_any_kind_of_entry():
    for type_ in VALID:
        entry = record(type_)
        follow(entry, "entry_retracted", reason="wrong township")
        assert entry.retracted.reason == "wrong township"


# -- repeats -------------------------------------------------------------------------------


def test_the_same_line_again_is_a_repeat():
    dispute = record("dispute_registered")
    same = CREATIONS["dispute_registered"].candidate_key(
        "dispute_registered", DAY, {"category": "land", "source": "screening"}
    )
    assert dispute.is_repeat(same)


@pytest.mark.parametrize(
    ("occurred_on", "fields"),
    [
        (date(2024, 3, 6), {"source": "screening", "category": "land"}),
        (DAY, {"source": "petition", "category": "land"}),
    ],
)
def test_a_line_with_other_values_is_no_repeat(occurred_on, fields):
    dispute = record("dispute_registered")
    key = dispute.candidate_key("dispute_registered", occurred_on, fields)
    assert not dispute.is_repeat(key)


def test_a_follow_up_line_again_is_a_repeat():
    dispute = record("dispute_registered")
    follow(dispute, "dispute_mediated", date(2024, 3, 19), **RESOLVED)
    assert dispute.is_repeat(
        dispute.candidate_key("dispute_mediated", date(2024, 3, 19), dict(RESOLVED))
    )
    assert not dispute.is_repeat(
        dispute.candidate_key("dispute_mediated", date(2024, 3, 20), dict(RESOLVED))
    )


def test_a_quarter_is_submitted_once_it_has_begun():
    """Dated before the quarter's first day, a quarter's submission is refused naming
    ``quarter``; from that day on it is recorded."""
    assert_refused(
        InvalidField, "quarter", record, "quarter_submitted", date(2024, 3, 31), quarter=2
    )
    assert record("quarter_submitted", date(2024, 4, 1), quarter=2).year == 2024
    assert_refused(InvalidField, "quarter", record, "quarter_submitted", quarter=0)
    assert_refused(InvalidField, "quarter", record, "quarter_submitted", quarter=True)
