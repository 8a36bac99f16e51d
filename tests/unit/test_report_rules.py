"""The rules of the year's report, on plain values (no store, no projection)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.errors import InvalidField, RuleBroken
from domain.moments import parse_moment, stamp
from domain.report import FollowUp, Recorded, check_submission, latest_narrative, report_status

T0 = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def submission(entry_id, hours, year=2024, answer=None, retracted=False):
    return Recorded(
        entry_id,
        "report_submitted",
        date(2025, 1, 10),
        at(hours),
        {"year": year},
        retracted=retracted,
        last_follow_up=answer,
    )


def inspection(entry_id, hours, occurred_on=date(2024, 5, 1)):
    return Recorded(entry_id, "inspection_conducted", occurred_on, at(hours), {"area": "市场"})


def test_no_live_submission_of_the_year_means_not_submitted():
    entries = [submission("R-0", 1, retracted=True), submission("R-1", 2, year=2023)]
    assert report_status(entries, 2024).document() == {
        "status": "not_submitted",
        "late_amendments": [],
    }


def test_the_latest_submission_stands_and_a_returned_one_carries_its_reason():
    returned = FollowUp("report_returned", at(5), {"reason": "数字不全"})
    entries = [submission("R-2", 4, answer=returned), submission("R-1", 1)]
    assert report_status(entries, 2024).document() == {
        "status": "returned",
        "submission": "R-2",
        "submitted_at": "2025-01-10T12:00:00Z",
        "late_amendments": [],
        "answered_at": "2025-01-10T13:00:00Z",
        "reason": "数字不全",
    }


def test_once_accepted_the_years_entries_recorded_later_are_late_amendments():
    accepted = FollowUp("report_accepted", at(2), {})
    entries = [
        inspection("I-before", 1),
        submission("R-1", 1, answer=accepted),
        inspection("I-late", 3),
        inspection("I-next-year", 3, occurred_on=date(2025, 1, 2)),
        Recorded("N-1", "report_narrative", date(2024, 12, 31), at(4), {"year": 2024}),
    ]
    status = report_status(entries, 2024)
    assert (status.status, status.late_amendments) == ("accepted", ("I-late",))
    assert status.document()["answered_at"] == "2025-01-10T10:00:00Z"


def test_the_narrative_recorded_last_wins_and_a_retracted_one_does_not_count():
    def narrative(entry_id, problems, retracted=False, year=2024):
        payload = {"year": year, "problems": problems, "next_steps": "继续"}
        return Recorded(entry_id, "report_narrative", date(2024, 12, 1), T0, payload, retracted)

    entries = [narrative("N-1", "一"), narrative("N-2", "二"), narrative("N-3", "三", True)]
    assert latest_narrative(entries, 2024) == {"problems": "二", "next_steps": "继续"}
    assert latest_narrative([narrative("N-9", "九", year=2023)], 2024) is None


def test_moments_are_written_in_utc_with_z_and_read_back():
    shanghai = datetime(2025, 1, 15, 8, 0, tzinfo=UTC).astimezone()
    assert stamp(shanghai) == "2025-01-15T08:00:00Z"
    assert parse_moment("2025-01-15T08:00:00Z") == datetime(2025, 1, 15, 8, 0, tzinfo=UTC)
    # Without an offset: the installation's clock (Asia/Shanghai here, 8 hours ahead).
    assert parse_moment("2025-01-15T16:00:00") == datetime(2025, 1, 15, 8, 0, tzinfo=UTC)
    assert parse_moment(None) is None
    with pytest.raises(InvalidField, match="as_of"):
        parse_moment("yesterday")


@pytest.mark.parametrize(
    ("before", "refused"),
    [
        ([], None),
        ([submission("R-1", 1)], "report.awaiting_answer"),
        ([submission("R-1", 1, answer=FollowUp("report_accepted", at(2), {}))],
         "report.already_accepted"),
        ([submission("R-1", 1, answer=FollowUp("report_returned", at(2), {"reason": "缺"}))],
         None),
        ([submission("R-1", 1, retracted=True)], None),  # withdrawn before an answer
        ([submission("R-1", 1, year=2023)], None),  # another year's
    ],
    ids=["first", "waiting", "accepted", "returned", "withdrawn", "other-year"],
)  # fmt: skip
def test_a_years_report_is_submitted_again_only_after_a_return(before, refused):
    if refused is None:
        check_submission(before, 2024)
        return
    with pytest.raises(RuleBroken) as said:
        check_submission(before, 2024)
    assert (said.value.code, said.value.field) == (refused, "year")
    assert said.value.said.params == {"year": 2024, "id": "R-1"}
