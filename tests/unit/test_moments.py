"""The installation's time zone: moments written for people on its clock, a moment typed
without a zone read on it, and its today the business day (DOMAIN.md "Time and language")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import moments, values
from domain.errors import InvalidField
from infra.settings import Settings, SettingsError
from projections.figures import EntryState, is_overdue
from projections.report.phrasing import beijing_time

# 25 hours apart: whatever the time, their days differ.
EAST, WEST = ZoneInfo("Pacific/Kiritimati"), ZoneInfo("Pacific/Pago_Pago")


@pytest.fixture
def zone_of() -> Iterator:
    """Make a zone the installation's for the test; the default again after it."""
    yield moments.use_zone
    moments.use_zone(ZoneInfo(moments.DEFAULT_ZONE))


def test_a_moment_is_written_on_the_installations_clock_in_the_readers_form():
    at = "2026-12-06T14:33:34.513896Z"
    assert moments.written(at) == "2026年12月6日 22:33"
    assert moments.written(at, "en") == "6 Dec 2026 22:33"
    assert moments.written(datetime(2026, 12, 31, 16, 0, 5, tzinfo=UTC), seconds=True) == (
        "2027年1月1日 00:00:05"
    )
    assert moments.written_day(date(2024, 3, 5)) == "2024年3月5日"
    assert moments.written_day("2024-03-05", "en") == "5 Mar 2024"
    assert moments.input_value(at) == "2026-12-06T22:33:34"


def test_another_zone_moves_the_clock_of_pages_and_of_the_report(zone_of):
    assert beijing_time("2025-01-15T00:00:00Z") == "2025年1月15日8时00分（北京时间）"
    zone_of(ZoneInfo("Asia/Urumqi"))
    assert moments.written("2026-12-06T14:33:34Z") == "2026年12月6日 20:33"
    assert beijing_time("2025-01-15T00:00:00Z") == "2025年1月15日6时00分"  # not Beijing time


def test_a_moment_typed_without_a_zone_is_the_installations_time_and_with_one_is_kept():
    assert moments.parse_moment("2025-01-15T08:00") == datetime(2025, 1, 15, 0, 0, tzinfo=UTC)
    assert moments.parse_moment("2025-01-15T00:00:00Z") == datetime(2025, 1, 15, tzinfo=UTC)
    assert moments.parse_moment("2025-01-15T08:00:00+08:00") == datetime(2025, 1, 15, tzinfo=UTC)
    assert moments.stamp(moments.parse_moment("2025-01-15T08:00")) == "2025-01-15T00:00:00Z"
    with pytest.raises(InvalidField) as refused:
        moments.parse_moment("2025-01-15 8点")
    assert (refused.value.field, refused.value.said.code) == ("as_of", "moment.malformed")
    for beyond in ("9999-12-31T23:00:00-05:00", "9999-12-31T23:59:59Z"):  # 10000 in Shanghai
        with pytest.raises(InvalidField) as refused:
            moments.parse_moment(beyond)
        assert refused.value.said.code == "moment.too_late"


def test_today_is_the_business_day_of_the_installations_zone(zone_of):
    zone_of(EAST)
    east = values.today()
    assert east == datetime.now(EAST).date()
    zone_of(WEST)  # at once, without waiting for the second today() keeps its day
    west = values.today()
    assert west == datetime.now(WEST).date()
    assert east - west == timedelta(days=1)


def test_an_issue_is_overdue_from_the_day_after_its_deadline_on_the_installations_clock(zone_of):
    """At 2024-03-19T20:00Z it is already the 20th in Shanghai, still the 19th in UTC."""
    evening = datetime(2024, 3, 19, 20, 0, tzinfo=UTC)
    issue = EntryState(
        "t", "IS-1", "issue_found", date(2024, 3, 1), evening, {"deadline": "2024-03-19"}
    )
    assert is_overdue(issue, evening)
    zone_of(ZoneInfo("UTC"))
    assert not is_overdue(issue, evening)


def test_the_zone_is_a_setting_and_an_unknown_zone_is_refused():
    assert str(Settings.from_env({}).timezone) == "Asia/Shanghai"
    assert str(Settings.from_env({"LEDGER_TIMEZONE": "Asia/Urumqi"}).timezone) == "Asia/Urumqi"
    for wrong in ("Mars/Olympus", "../../etc/passwd", "Beijing"):
        with pytest.raises(SettingsError, match="LEDGER_TIMEZONE"):
            Settings.from_env({"LEDGER_TIMEZONE": wrong})
