"""The read model's text forms: moments sort as text in time order, whatever their offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from infra.read_model import stamp

MOMENTS = [
    datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),  # no microseconds: orjson leaves them out
    datetime(2024, 1, 2, 3, 4, 5, 7, tzinfo=UTC),
    datetime(2024, 1, 2, 11, 4, 5, 999_999, tzinfo=timezone(timedelta(hours=8))),
    datetime(2024, 1, 2, 3, 4, 6, tzinfo=UTC),
]


def test_a_stamp_is_the_iso_text_of_the_moment_in_utc_with_microseconds():
    for moment in MOMENTS:
        assert stamp(moment) == moment.astimezone(UTC).isoformat(timespec="microseconds")
    assert stamp(MOMENTS[0]) == "2024-01-02T03:04:05.000000+00:00"


def test_stamps_sort_as_their_moments():
    assert sorted(MOMENTS, key=stamp) == sorted(MOMENTS)
    assert len({len(stamp(moment)) for moment in MOMENTS}) == 1
