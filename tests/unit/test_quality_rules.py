"""The data-quality rules' defaults, their settings folded in order, and the default due day
(docs/figures.md "Data quality")."""

from __future__ import annotations

from datetime import date

import pytest

from domain.quality import DEFAULT_RULES, default_due_day, in_force
from projections.periods import Period


@pytest.mark.parametrize(
    ("period", "due"),
    [
        ("2025", date(2026, 1, 15)),
        ("2025-Q1", date(2025, 4, 15)),
        ("2025-Q4", date(2026, 1, 15)),
        ("2024-02", date(2024, 3, 15)),
        ("2025-12", date(2026, 1, 15)),
    ],
)
def test_the_default_due_day_is_the_15th_of_the_month_after_the_period(period, due):
    assert default_due_day(Period.parse(period).end) == due


def test_settings_fold_over_the_defaults_in_order_each_keeping_the_others():
    assert in_force([]) == DEFAULT_RULES
    rules = in_force(
        [
            {"backfilled": {"days": 10}},
            {"backfilled": {"above": 0.5}, "retractions": {"above": 0.3}},
            {"backfilled": {"days": 12}},
        ]
    )
    assert rules["backfilled"] == {"days": 12, "above": 0.5}
    assert rules["retractions"] == {"above": 0.3}
    assert rules["rushed"] == DEFAULT_RULES["rushed"]
    assert DEFAULT_RULES["backfilled"] == {"days": 30, "above": 0.2}  # untouched
