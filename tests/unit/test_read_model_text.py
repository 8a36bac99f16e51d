"""The read model's text forms: moments sort as text in time order, whatever their offset, and
a fact sent to the writer process is stored as the same row as one stored in process."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import orjson

from infra.read_model_rows import fact_row, row_from_message, stamp
from infra.view_writer import page_message
from projections.figures import Fact
from projections.ledger import Changes

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


def test_a_fact_sent_to_the_writer_process_becomes_the_row_it_would_have_been_here():
    for moment in MOMENTS:
        fact = Fact(
            7, "town", "D-1", "dispute_registered", date(2024, 3, 1), "dispute_mediated",
            date(2024, 3, 2), moment, "clerk",
            {"outcome": "resolved", "steps": ("a", "b"), "deadline": date(2024, 4, 1), "n": 3},
        )  # fmt: skip
        _, _, sent, _ = orjson.loads(page_message(Changes([fact]), since=6, position=7))

        assert row_from_message(sent[0]) == fact_row(fact)
