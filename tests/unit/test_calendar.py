"""The reporting calendar's rules (domain/calendar.py): a deadline's last day read in the
installation's time zone, across a year's end; what a county's calendar accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain import moments
from domain.calendar import Deadline, calendar_at, check_deadlines, period_end
from domain.errors import InvalidField
from domain.tenancy import County

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def in_zone():
    def use(name: str) -> None:
        moments.use_zone(ZoneInfo(name))

    before = moments.zone()
    yield use
    moments.use_zone(before)


def test_a_submission_late_in_the_evening_of_the_due_day_is_on_time_in_shanghai(in_zone):
    in_zone("Asia/Shanghai")
    deadline = Deadline("2025", date(2026, 1, 15), 0)
    assert deadline.on_time(datetime(2026, 1, 15, 23, 30, tzinfo=BEIJING))
    # 15:30 UTC on the due day is 23:30 in Shanghai: still the due day there
    assert deadline.on_time(datetime(2026, 1, 15, 15, 30, tzinfo=UTC))
    assert not deadline.on_time(datetime(2026, 1, 16, 0, 30, tzinfo=BEIJING))
    assert not deadline.on_time(datetime(2026, 1, 15, 16, 30, tzinfo=UTC))


def test_the_same_moment_is_judged_by_the_installations_day(in_zone):
    """00:30 on 16 January in Beijing is still 15 January in London: on time there."""
    in_zone("Europe/London")
    deadline = Deadline("2025", date(2026, 1, 15), 0)
    assert deadline.on_time(datetime(2026, 1, 16, 0, 30, tzinfo=BEIJING))
    assert not deadline.on_time(datetime(2026, 1, 16, 0, 30, tzinfo=UTC))


def test_grace_days_extend_the_last_day_across_the_years_end(in_zone):
    in_zone("Asia/Shanghai")
    deadline = Deadline("2025", date(2026, 12, 30), 2)
    assert deadline.last_day == date(2027, 1, 1)
    assert deadline.on_time(datetime(2027, 1, 1, 23, 59, tzinfo=BEIJING))
    assert not deadline.on_time(datetime(2027, 1, 2, 0, 0, tzinfo=BEIJING))
    assert not deadline.passed(datetime(2027, 1, 1, 23, 59, tzinfo=BEIJING))
    assert deadline.passed(datetime(2027, 1, 2, 0, 0, tzinfo=BEIJING))


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ([], "deadlines", "deadlines.empty"),
        ({"period": "2025"}, "deadlines", "deadlines.empty"),
        ([{"period": "2025", "due": "2026-01-15", "x": 1}], "deadlines[1]", "deadlines.malformed"),
        ([{"period": "2025-03", "due": "2026-01-15"}], "deadlines[1].period", "deadlines.period"),
        ([{"period": "2025-Q5", "due": "2026-01-15"}], "deadlines[1].period", "deadlines.period"),
        (
            [{"period": "2025-Q1", "due": "2025-03-31"}],
            "deadlines[1].due",
            "deadlines.due_in_period",
        ),
        (
            [{"period": "2025-Q4", "due": "2025-12-31"}],
            "deadlines[1].due",
            "deadlines.due_in_period",
        ),
        ([{"period": 2025, "due": "2026-01-15"}], "deadlines[1].period", "deadlines.period"),
        ([{"period": "1900", "due": "2026-01-15"}], "deadlines[1].period", "year.out_of_range"),
        ([{"period": "2025", "due": "2025-12-31"}], "deadlines[1].due", "deadlines.due_in_period"),
        ([{"period": "2025", "due": "2026-02-30"}], "deadlines[1].due", "date.malformed"),
        ([{"period": "2025"}], "deadlines[1].due", "date.malformed"),
        (
            [{"period": "2025", "due": "2026-01-15", "grace_days": -1}],
            "deadlines[1].grace_days",
            "value.negative",
        ),
        (
            [{"period": "2025", "due": "2026-01-15", "grace_days": 1.5}],
            "deadlines[1].grace_days",
            "value.not_whole",
        ),
        (
            [{"period": "2025", "due": "2026-01-15", "grace_days": 367}],
            "deadlines[1].grace_days",
            "value.too_large",
        ),
        (
            [{"period": "2025", "due": "2026-01-15"}, {"period": "2025", "due": "2026-01-16"}],
            "deadlines",
            "deadlines.repeated",
        ),
    ],
)
def test_a_bad_deadline_is_refused_naming_its_field(given, field, code):
    with pytest.raises(InvalidField) as refused:
        check_deadlines(given)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_change_sets_the_years_it_names_and_the_calendar_is_read_as_of_a_moment():
    county = County.add(code="c", name="县")
    changed = county.set_calendar([{"period": "2024", "due": "2025-01-15"}])
    assert changed == [{"period": "2024", "due": "2025-01-15", "grace_days": 0}]
    first = county.calendar_history[-1][0]
    county.set_calendar(
        [
            {"period": "2024", "due": "2025-01-15", "grace_days": 0},  # as it is: not changed
            {"period": "2025", "due": "2026-01-20", "grace_days": 3},
        ]
    )
    events = county.collect_events()
    assert [type(e).__name__ for e in events] == ["Added", "CalendarSet", "CalendarSet"]
    assert events[-1].deadlines == [{"period": "2025", "due": "2026-01-20", "grace_days": 3}]
    assert county.set_calendar([{"period": "2025", "due": "2026-01-20", "grace_days": 3}]) == []
    now = calendar_at(county.calendar_history)
    assert {p: d.due for p, d in now.items()} == {
        "2024": date(2025, 1, 15),
        "2025": date(2026, 1, 20),
    }
    assert list(calendar_at(county.calendar_history, first)) == ["2024"]


def test_a_quarter_is_set_due_after_its_last_day():
    """A quarter's due day falls after the quarter: 1 April for the first, 1 January of the
    next year for the fourth; beside the year's own deadline."""
    kept = check_deadlines(
        [
            {"period": "2025-Q1", "due": "2025-04-01"},
            {"period": "2025-Q4", "due": "2026-01-01", "grace_days": 2},
            {"period": "2025", "due": "2026-01-15"},
        ]
    )
    assert kept == [
        {"period": "2025-Q1", "due": "2025-04-01", "grace_days": 0},
        {"period": "2025-Q4", "due": "2026-01-01", "grace_days": 2},
        {"period": "2025", "due": "2026-01-15", "grace_days": 0},
    ]
    assert [period_end(p) for p in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2025")] == [
        date(2025, 3, 31),
        date(2025, 6, 30),
        date(2025, 9, 30),
        date(2025, 12, 31),
        date(2025, 12, 31),
    ]
