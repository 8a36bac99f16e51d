"""Completeness and timeliness of a year's reports on SQLite and PostgreSQL: who submitted,
when (first), on time by the due day plus grace in the installation's days, as of any moment;
a township's next due day. Submissions are recorded now: the deadlines are set around the
installation's day of each submission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidField, NotFound
from domain.moments import local_day, parse_moment, stamp
from services import Services
from tests.integration.conftest import Towns, moment
from tests.support import OPERATOR


@pytest.fixture
def database_url(own_sql_database_url: str) -> str:
    return own_sql_database_url


@dataclass(frozen=True)
class Submitted:
    entry_id: str
    recorded_at: str  # as the documents write it


def submit(ledger: Services, township: str, year: int = 2025) -> Submitted:
    entry_id = ledger.reports.submit(OPERATOR, township=township, year=year).entry_id
    status = ledger.reports.status(OPERATOR, township=township, year=year)
    return Submitted(entry_id, stamp(status.submitted_at))


def test_completeness_and_timeliness_of_a_year_as_of_any_moment(ledger: Services, towns: Towns):
    county, (early, late, silent) = towns.townships(3)
    first = submit(ledger, early)
    submitted_on = local_day(parse_moment(first.recorded_at))
    # due the day before the first submission's day, one day of grace: that one is on time
    due = submitted_on - timedelta(days=1)
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=county,
        deadlines=[{"period": "2025", "due": due.isoformat(), "grace_days": 1}],
    )
    before_late = moment()
    second = submit(ledger, late)
    found = ledger.calendar.completeness(OPERATOR, county=county, period="2025")
    assert found["due"] == due.isoformat() and found["grace_days"] == 1
    rows = {r["township"]: r for r in found["townships"]}
    assert rows[early] == {"township": early, "submitted_at": first.recorded_at, "on_time": True}
    assert rows[late]["submitted_at"] == second.recorded_at
    assert rows[silent] == {"township": silent, "submitted_at": None, "on_time": None}
    assert found["completeness"] == {"numerator": 2, "denominator": 3, "value": 0.6667}
    assert found["timeliness"]["numerator"] == 1 + (rows[late]["on_time"] is True)

    then = ledger.calendar.completeness(
        OPERATOR, county=county, period="2025", as_of=stamp(before_late)
    )
    assert [r["submitted_at"] is not None for r in then["townships"]] == [True, False, False]
    assert then["completeness"]["numerator"] == 1
    # a township added since is not counted as of then
    towns.township(county)
    again = ledger.calendar.completeness(
        OPERATOR, county=county, period="2025", as_of=stamp(before_late)
    )
    assert again["townships"] == then["townships"]
    assert ledger.calendar.completeness(OPERATOR, county=county, period="2025")["completeness"] == {
        "numerator": 2,
        "denominator": 4,
        "value": 0.5,
    }


def test_a_submission_after_the_last_day_is_late_and_an_absent_one_late_once_it_passed(
    ledger: Services, towns: Towns
):
    county, (late, silent) = towns.townships(2)
    recorded = submit(ledger, late)
    day = local_day(parse_moment(recorded.recorded_at))
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=county,
        deadlines=[
            {"period": "2025", "due": (day - timedelta(days=2)).isoformat(), "grace_days": 1}
        ],
    )
    found = ledger.calendar.completeness(OPERATOR, county=county, period="2025")
    rows = {r["township"]: r["on_time"] for r in found["townships"]}
    assert rows == {late: False, silent: False}
    assert found["timeliness"] == {"numerator": 0, "denominator": 2, "value": 0.0}


def test_a_retracted_submission_no_longer_counts_but_did_before(ledger: Services, towns: Towns):
    county, (town,) = towns.townships(1)
    recorded = submit(ledger, town)
    while_submitted = moment()
    towns.record(town, "entry_retracted", recorded.entry_id, "2026-01-02", reason="误报")
    now = ledger.calendar.completeness(OPERATOR, county=county, period="2025")
    then = ledger.calendar.completeness(
        OPERATOR, county=county, period="2025", as_of=stamp(while_submitted)
    )
    assert now["townships"][0]["submitted_at"] is None
    assert then["townships"][0]["submitted_at"] == recorded.recorded_at
    assert now["timeliness"] is None and now["due"] is None  # no deadline set: no timeliness


def test_the_calendar_as_of_a_moment_and_who_may_set_it(ledger: Services, towns: Towns):
    county = towns.county()
    other = towns.county()
    ledger.calendar.set_deadlines(
        OPERATOR, county=county, deadlines=[{"period": "2024", "due": "2025-01-15"}]
    )
    between = moment()
    kept = ledger.calendar.set_deadlines(
        OPERATOR,
        county=county,
        deadlines=[{"period": "2025", "due": "2026-01-20", "grace_days": 3}],
    )
    assert kept == [
        {"period": "2024", "due": "2025-01-15", "grace_days": 0},
        {"period": "2025", "due": "2026-01-20", "grace_days": 3},
    ]
    assert ledger.calendar.deadlines(OPERATOR, county=county) == kept
    assert ledger.calendar.deadlines(OPERATOR, county=county, as_of=stamp(between)) == kept[:1]
    officer = Principal(username="o", role=Role.COUNTY_OFFICER, county=other, township=None)
    auditor = Principal(username="a", role=Role.AUDITOR, county=county, township=None)
    with pytest.raises(NotFound):
        ledger.calendar.deadlines(officer, county=county)
    with pytest.raises(Forbidden):
        ledger.calendar.set_deadlines(auditor, county=county, deadlines=kept)
    with pytest.raises(InvalidField) as refused:
        ledger.calendar.completeness(OPERATOR, county=county, period="2025-03")
    assert refused.value.field == "period"


def test_a_townships_next_due_and_what_it_lacks(ledger: Services, towns: Towns):
    place = towns.place()
    assert ledger.calendar.next_due(OPERATOR, township=place.township) is None
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=place.county,
        deadlines=[
            {"period": "2024", "due": "2025-01-15"},
            {"period": "2025", "due": "2026-01-15", "grace_days": 2},
        ],
    )
    submit(ledger, place.township, 2024)
    due = ledger.calendar.next_due(OPERATOR, township=place.township)
    assert (due.period, due.last_day.isoformat()) == ("2025", "2026-01-17")
    assert due.days_left == (due.last_day - local_day(moment())).days < 0
    assert not due.narrative_written
    towns.record(
        place.township,
        "report_narrative",
        "RN-1",
        "2026-01-02",
        year=2025,
        problems="问题",
        next_steps="打算",
    )
    assert ledger.calendar.next_due(OPERATOR, township=place.township).narrative_written
    submit(ledger, place.township, 2025)
    assert ledger.calendar.next_due(OPERATOR, township=place.township) is None
