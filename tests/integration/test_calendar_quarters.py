"""Quarters in the county's reporting calendar (issue 22 item 1) on SQLite and PostgreSQL: a
quarter's record is submitted by the head with ``quarter_submitted``; completeness and
timeliness of ``2025-Q4`` read those, on time by the deadline's last day in the installation's
time zone (Asia/Shanghai in the tests), across the year's end; next_due picks a quarter due
before the year; one live submission per quarter. The ledger's clock is set to controlled
moments (every event made inside ``clock_at`` is stamped with it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
from eventsourcing.domain import CanCreateTimestamp

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidField, RuleBroken
from domain.moments import stamp
from services import Services
from services.interchange import ImportRejected
from tests.integration.conftest import Towns
from tests.support import OPERATOR, line


@pytest.fixture
def database_url(own_sql_database_url: str) -> str:
    return own_sql_database_url


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Every event made inside (a county's, a township's, an entry's) is stamped ``moment``."""
    original = CanCreateTimestamp.__dict__["create_timestamp"]
    CanCreateTimestamp.create_timestamp = staticmethod(lambda: moment)  # type: ignore[method-assign]
    try:
        yield
    finally:
        CanCreateTimestamp.create_timestamp = original  # type: ignore[method-assign]


def head_of(township: str) -> Principal:
    return Principal(username="h", role=Role.HEAD, county=None, township=township)


def clerk_of(township: str) -> Principal:
    return Principal(username="c", role=Role.CLERK, county=None, township=township)


def quarter_line(township: str, entry_id: str, year: int, quarter: int) -> dict:
    return line(township, "quarter_submitted", entry_id, "2026-01-01", year=year, quarter=quarter)


def submit_at(towns: Towns, township: str, entry_id: str, at: datetime, quarter: int = 4) -> None:
    with clock_at(at):
        result = towns.import_lines([quarter_line(township, entry_id, 2025, quarter)])
    assert result.recorded == 1, result


def rows(doc: dict) -> dict[str, tuple]:
    return {r["township"]: (r["submitted_at"], r["on_time"]) for r in doc["townships"]}


def test_a_fourth_quarter_due_on_new_years_day_is_judged_on_the_installations_clock(
    ledger: Services, towns: Towns
):
    """2025-Q4 due on 1 January 2026: a submission at 23:30 that day in Shanghai (15:30 UTC)
    is on time, one at 00:30 the next day (16:30 UTC, still 1 January in UTC) is late; a
    township that submitted nothing is late once the last day has passed there."""
    with clock_at(datetime(2025, 12, 1, tzinfo=UTC)):
        county, (prompt, late, silent) = towns.townships(3)
        ledger.calendar.set_deadlines(
            OPERATOR, county=county, deadlines=[{"period": "2025-Q4", "due": "2026-01-01"}]
        )
    on_time_at = datetime(2026, 1, 1, 15, 30, tzinfo=UTC)
    late_at = datetime(2026, 1, 1, 16, 30, tzinfo=UTC)
    submit_at(towns, prompt, "QS-P", on_time_at)
    submit_at(towns, late, "QS-L", late_at)

    def asked(at: datetime) -> dict:
        return ledger.calendar.completeness(
            OPERATOR, county=county, period="2025-Q4", as_of=stamp(at)
        )

    before = asked(datetime(2026, 1, 1, 15, 0, tzinfo=UTC))
    assert rows(before) == {prompt: (None, None), late: (None, None), silent: (None, None)}
    assert before["completeness"]["numerator"] == 0 and before["due"] == "2026-01-01"
    # 00:10 on 2 January in Shanghai: the last day passed, the late one not yet submitted
    between = asked(datetime(2026, 1, 1, 16, 10, tzinfo=UTC))
    assert rows(between) == {
        prompt: (stamp(on_time_at), True),
        late: (None, False),
        silent: (None, False),
    }
    after = asked(datetime(2026, 1, 2, tzinfo=UTC))
    assert rows(after)[late] == (stamp(late_at), False)
    assert after["completeness"] == {"numerator": 2, "denominator": 3, "value": 0.6667}
    assert after["timeliness"] == {"numerator": 1, "denominator": 3, "value": 0.3333}
    # the year's completeness does not read quarters, nor another quarter's
    assert (
        ledger.calendar.completeness(OPERATOR, county=county, period="2025")["completeness"][
            "numerator"
        ]
        == 0
    )
    assert (
        ledger.calendar.completeness(OPERATOR, county=county, period="2025-Q3")["completeness"][
            "numerator"
        ]
        == 0
    )
    # the record over time holds the quarter
    assert [d["period"] for d in ledger.calendar.record(OPERATOR, county=county)] == ["2025-Q4"]


def test_months_are_refused_for_completeness(ledger: Services, towns: Towns):
    county = towns.county()
    with pytest.raises(InvalidField) as refused:
        ledger.calendar.completeness(OPERATOR, county=county, period="2025-03")
    assert (refused.value.field, refused.value.code) == ("period", "deadlines.period")


def test_next_due_picks_a_quarter_due_before_the_year(ledger: Services, towns: Towns):
    place = towns.place()
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=place.county,
        deadlines=[
            {"period": "2025", "due": "2026-01-15"},
            {"period": "2025-Q4", "due": "2026-01-05", "grace_days": 1},
            {"period": "2025-Q3", "due": "2025-10-10"},
        ],
    )
    ledger.reports.submit_quarter(
        head_of(place.township), township=place.township, year=2025, quarter=3
    )
    due = ledger.calendar.next_due(OPERATOR, township=place.township)
    assert (due.period, due.quarter, due.last_day) == ("2025-Q4", 4, date(2026, 1, 6))
    assert due.narrative_written  # a quarter takes no narrative: only its submission lacks
    ledger.reports.submit_quarter(
        head_of(place.township), township=place.township, year=2025, quarter=4
    )
    due = ledger.calendar.next_due(OPERATOR, township=place.township)
    assert (due.period, due.quarter) == ("2025", None)
    assert [d["period"] for d in ledger.calendar.record(OPERATOR, county=place.county)] == [
        "2025",
        "2025-Q4",
        "2025-Q3",
    ]


def test_only_the_head_submits_a_quarter_once_until_retracted(ledger: Services, towns: Towns):
    place = towns.place()
    town = place.township
    with pytest.raises(Forbidden) as refused:
        ledger.reports.submit_quarter(clerk_of(town), township=town, year=2025, quarter=2)
    assert refused.value.code == "role.head_only"
    first = ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=2)
    with pytest.raises(RuleBroken) as again:
        ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=2)
    assert (again.value.field, again.value.code) == ("quarter", "quarter.already_submitted")
    ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=3)  # another
    with pytest.raises(InvalidField) as bad:
        ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=5)
    assert (bad.value.field, bad.value.code) == ("quarter", "quarter.out_of_range")
    with pytest.raises(Forbidden):  # a clerk retracts only what a clerk records
        towns.record(
            town, "entry_retracted", first.entry_id, "2026-01-02", clerk_of(town), reason="误报"
        )
    towns.record(
        town, "entry_retracted", first.entry_id, "2026-01-02", head_of(town), reason="误报"
    )
    ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=2)


def test_a_second_submission_of_a_quarter_in_one_import_is_refused(towns: Towns):
    town = towns.township()
    with pytest.raises(ImportRejected) as refused:
        towns.import_lines(
            [quarter_line(town, "QS-A", 2025, 1), quarter_line(town, "QS-B", 2025, 1)]
        )
    (error,) = refused.value.errors
    assert (error.line, error.field, error.said.code) == (2, "quarter", "quarter.already_submitted")


def test_the_rushed_rule_counts_to_the_quarters_due_day(ledger: Services, towns: Towns):
    """With 2025-Q3 due on 20 November, entries recorded on 18 November were rushed (the
    default due day, 15 October, would not make them so)."""
    county, (town,) = towns.townships(1)
    day = "2025-08-01"
    disputes = [
        line(town, "dispute_registered", f"R-{n}", day, source="other", category="邻里")
        for n in range(4)
    ]
    with clock_at(datetime(2025, 8, 1, 4, tzinfo=UTC)):
        towns.import_lines(disputes[:1])
    with clock_at(datetime(2025, 11, 18, 4, tzinfo=UTC)):
        towns.import_lines(disputes[1:])

    def flags() -> dict:
        doc = ledger.quality.quality(OPERATOR, county=county, period="2025-Q3")
        return {f["rule"]: f for f in doc["townships"][0]["flags"]}

    assert "rushed" not in flags()
    ledger.calendar.set_deadlines(
        OPERATOR, county=county, deadlines=[{"period": "2025-Q3", "due": "2025-11-20"}]
    )
    assert flags()["rushed"]["value"] == 0.75


def test_a_quarter_submission_and_its_retraction_round_trip_the_interchange(
    ledger: Services, towns: Towns
):
    first, second = towns.township(), towns.township()
    submitted = towns.import_lines([quarter_line(first, "QS-1", 2025, 2)])
    assert submitted.recorded == 1
    towns.record(first, "entry_retracted", "QS-1", "2026-01-02", reason="误报")
    lines = list(ledger.interchange.export(OPERATOR, township=first))
    assert [(x["type"], x.get("year"), x.get("quarter")) for x in lines] == [
        ("quarter_submitted", 2025, 2),
        ("entry_retracted", None, None),
    ]
    moved = [{**x, "township": second} for x in lines]
    assert towns.import_lines(moved).recorded == 2
    again = list(ledger.interchange.export(OPERATOR, township=second))
    assert again == moved


def test_an_entry_of_a_quarter_recorded_after_its_submission_is_late(
    ledger: Services, towns: Towns
):
    """Mirrors the year's report: an entry dated in 2025-Q2 recorded after the quarter's
    record was submitted is late for it; one of Q3, and the submission itself, are not."""
    town = towns.township()
    submitted = ledger.reports.submit_quarter(head_of(town), township=town, year=2025, quarter=2)
    for entry_id, day in (("D-Q2", "2025-05-05"), ("D-Q3", "2025-08-05")):
        towns.record(town, "dispute_registered", entry_id, day, source="other", category="邻里")

    def reasons(entry_id: str) -> list[str]:
        found = ledger.history.entry(OPERATOR, township=town, entry_id=entry_id)
        return [r["code"] for r in found["events"][0]["late_reasons"]]

    assert "late.after_quarter" in reasons("D-Q2")
    assert "late.after_quarter" not in reasons("D-Q3")
    assert reasons(submitted.entry_id) == []
    (event,) = ledger.history.entry(OPERATOR, township=town, entry_id="D-Q2")["events"]
    assert {"code": "late.after_quarter", "period": "2025-Q2"}.items() <= next(
        r for r in event["late_reasons"] if r["code"] == "late.after_quarter"
    ).items()
