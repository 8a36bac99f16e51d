"""How the report writes numbers, percentages, numerals and moments."""

from __future__ import annotations

import pytest

from projections.report.phrasing import beijing_time, number, numeral, percent, share_percent


@pytest.mark.parametrize(
    "numerator, denominator, written",
    [
        (7, 7, "100%"),
        (330, 362, "91.2%"),
        (32, 33, "97%"),
        (30, 33, "90.9%"),
        (1, 3, "33.3%"),
        (1, 2000, "0.1%"),
        (0, 5, "0%"),
    ],
)
def test_percentages_are_written_as_people_write_them(numerator, denominator, written):
    assert percent(numerator, denominator) == written
    # the pages show a rate's value (a float) the same way
    assert share_percent(numerator / denominator) == written


@pytest.mark.parametrize(
    "numerator, denominator, written",
    [
        (9999, 10000, "99.9%"),
        (19999, 20000, "99.9%"),
        (1, 200000, "不足0.1%"),
        (1, 20001, "不足0.1%"),
    ],
)
def test_only_all_is_written_100_percent_and_only_none_0_percent(numerator, denominator, written):
    assert percent(numerator, denominator) == written


def test_numbers_numerals_and_beijing_time():
    assert [number(n) for n in (600, 9999, 10000, 40000, 41234)] == [
        "600",
        "9999",
        "1万",
        "4万",
        "41234",
    ]
    assert [numeral(n) for n in (1, 9, 10, 11, 20, 36)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "三十六",
    ]
    assert beijing_time("2025-01-15T00:00:00Z") == "2025年1月15日8时00分（北京时间）"
    assert beijing_time("2024-12-31T16:30:00+00:00") == "2025年1月1日0时30分（北京时间）"
