"""The ranking formula of DOMAIN.md on plain values (no store)."""

import pytest

from domain.errors import InvalidField
from domain.ranking import DEFAULT_INDICATORS, check_indicators, score

RATES = [i["figure"] for i in DEFAULT_INDICATORS]


def values(*rates):
    return dict(zip(RATES, rates, strict=True))


def test_score_is_the_weighted_mean_of_the_rates_times_100():
    (only,) = score(list(DEFAULT_INDICATORS), {"a": values(1.0, 0.5, 0.5, 0.9116, 1.0)})
    assert only.score == round(100 * (1 + 0.5 + 0.5 + 0.9116 + 1) / 5, 2) == 78.23
    assert only.rank == 1


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped():
    standings = score(
        list(DEFAULT_INDICATORS),
        {
            "a": values(1, 1, 1, 1, 1),
            "b": values(0.5, 0.5, 0.5, 0.5, 0.5),
            "c": values(0.5, 0.5, 0.5, 0.5, 0.5),
            "d": values(0.1, 0.1, 0.1, 0.1, 0.1),
        },
    )
    assert [(s.township, s.rank) for s in standings] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]


def test_an_indicator_without_data_is_left_out_and_the_weights_rescale():
    indicators = [
        {"figure": "rates.rectification", "direction": "higher", "weight": 3},
        {"figure": "rates.mediation_success", "direction": "higher", "weight": 1},
    ]
    (only,) = score(
        indicators, {"a": {"rates.rectification": None, "rates.mediation_success": 0.8}}
    )
    assert only.score == 80.0


def test_a_township_without_any_data_has_no_score_and_no_rank_and_comes_last():
    standings = score(
        list(DEFAULT_INDICATORS),
        {"empty": values(None, None, None, None, None), "a": values(0, 0, 0, 0, 0)},
    )
    assert [(s.township, s.score, s.rank) for s in standings] == [
        ("a", 0.0, 1),
        ("empty", None, None),
    ]


def test_counts_are_scaled_across_the_county_and_lower_can_be_better():
    indicators = [{"figure": "inspections", "direction": "lower", "weight": 1}]
    standings = score(
        indicators, {"a": {"inspections": 10}, "b": {"inspections": 30}, "c": {"inspections": 20}}
    )
    assert [(s.township, s.score) for s in standings] == [("a", 100.0), ("c", 50.0), ("b", 0.0)]


@pytest.mark.parametrize(
    ("indicators", "field"),
    [
        ([], "indicators"),
        (
            [{"figure": "rates.nonsense", "direction": "higher", "weight": 1}],
            "indicators[1].figure",
        ),
        (
            [{"figure": "roster.liaisons", "direction": "higher", "weight": 1}],
            "indicators[1].figure",
        ),
        ([{"figure": "inspections", "direction": "up", "weight": 1}], "indicators[1].direction"),
        ([{"figure": "inspections", "direction": "higher", "weight": 0}], "indicators[1].weight"),
        ([{"figure": "inspections", "direction": "higher", "weight": 1, "x": 1}], "indicators[1]"),
    ],
)
def test_bad_indicators_are_refused_naming_the_field(indicators, field):
    with pytest.raises(InvalidField) as refused:
        check_indicators(indicators)
    assert refused.value.field == field
