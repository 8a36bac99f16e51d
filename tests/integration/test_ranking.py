"""The county ranking on every store: default indicators, scores worked out here independently,
shared ranks, the no-data rule, indicators set by a county officer (and as of a past moment),
invalid indicators, and the live ranking agreeing with a ranking folded as of now."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.errors import Forbidden, InvalidField, NotFound
from sample.lines import township_lines
from tests.integration.conftest import moment
from tests.support import OPERATOR, RATES, line


def small_year(
    township: str,
    *,
    disputes: tuple[int, int] = (0, 0),  # registered, resolved
    issues: tuple[int, int, int] = (0, 0, 0),  # found, rectified on time, rectified late
    hotline: tuple[int, int] = (0, 0),  # received, answered
    decisions: tuple[int, int] = (0, 0),  # reviewed, with legality review
    inspections: int = 0,
) -> list[dict]:
    """A township's 2024 with exactly these counts."""
    out = []
    for n in range(disputes[0]):
        out.append(
            line(
                township,
                "dispute_registered",
                f"D-{n}",
                "2024-03-01",
                source="screening",
                category="土地",
            )
        )
        outcome = "resolved" if n < disputes[1] else "failed"
        out.append(
            line(
                township,
                "dispute_mediated",
                f"D-{n}",
                "2024-03-09",
                outcome=outcome,
                mediator="other",
            )
        )
    found, on_time, late = issues
    for n in range(found):
        out.append(
            line(
                township,
                "issue_found",
                f"P-{n}",
                "2024-04-01",
                category="安全",
                description="隐患",
                deadline="2024-04-30",
            )
        )
        if n < on_time + late:
            day = "2024-04-20" if n < on_time else "2024-05-20"
            out.append(line(township, "issue_rectified", f"P-{n}", day))
    for n in range(hotline[0]):
        out.append(line(township, "hotline_case_received", f"H-{n}", "2024-06-01"))
        if n < hotline[1]:
            out.append(
                line(township, "hotline_case_answered", f"H-{n}", "2024-06-03", resolved=True)
            )
    for n in range(decisions[0]):
        steps = ["legality_review", "collective_decision"] if n < decisions[1] else ["disclosure"]
        out.append(
            line(
                township,
                "decision_reviewed",
                f"R-{n}",
                "2024-07-01",
                title="方案",
                steps=steps,
                reviewer="legal_advisor",
                result="approved",
            )
        )
    for n in range(inspections):
        out.append(line(township, "inspection_conducted", f"I-{n}", "2024-08-01", area="市场"))
    return out


def rates_of(
    disputes=(0, 0), issues=(0, 0, 0), hotline=(0, 0), decisions=(0, 0), inspections=0
) -> dict[str, tuple[int, int]]:
    """DOMAIN.md's five rates as (numerator, denominator), from the same counts."""
    found, on_time, late = issues
    return {
        "legality_review_coverage": (decisions[1], decisions[0]),
        "rectification": (on_time + late, found),
        "on_time_rectification": (on_time, found),
        "mediation_success": (disputes[1], disputes[0]),
        "hotline_answer": (hotline[1], hotline[0]),
    }


def expected_score(parts: list[tuple[float, Fraction | None]]) -> float | None:
    """100 × Σ(weight × value) / Σ(weight) over the parts with a value, two decimals."""
    present = [(Fraction(weight), value) for weight, value in parts if value is not None]
    if not present:
        return None
    total = sum(weight * value for weight, value in present)
    return round(float(100 * total / sum(weight for weight, _ in present)), 2)


def default_score(counts: dict) -> float | None:
    return expected_score(
        [(1, Fraction(n, d) if d else None) for n, d in rates_of(**counts).values()]
    )


def ranking(ledger, county, principal=OPERATOR, period="2024", **kw):
    return ledger.rankings.ranking(principal, county=county, period=period, **kw)


def standings(doc) -> dict[str, tuple[int | None, float | None]]:
    return {row["township"]: (row["rank"], row["score"]) for row in doc["townships"]}


def test_the_default_indicators_are_the_five_rates_equally_weighted(towns):
    county, _ = towns.townships(1)

    doc = ranking(towns.ledger, county)

    assert doc["weights"] == [
        {"figure": f"rates.{name}", "direction": "higher", "weight": 1} for name in RATES
    ]
    assert (doc["county"], doc["period"]) == (county, "2024")


def test_scores_follow_the_formula_and_ranks_follow_the_scores(towns):
    county, (a, b, c) = towns.townships(3)
    counts = {
        a: dict(disputes=(4, 3), issues=(2, 1, 0), hotline=(1, 1), decisions=(1, 1)),
        b: dict(disputes=(3, 1), issues=(1, 0, 1), hotline=(2, 1)),  # no decisions
        c: dict(hotline=(3, 2)),
    }
    for township, spec in counts.items():
        towns.import_lines(small_year(township, **spec))

    doc = ranking(towns.ledger, county)
    rows = {row["township"]: row for row in doc["townships"]}

    expected = {t: default_score(spec) for t, spec in counts.items()}
    assert expected == {a: 75.0, b: 45.83, c: 66.67}  # the arithmetic, written out once
    assert {t: row["score"] for t, row in rows.items()} == expected
    assert [row["township"] for row in doc["townships"]] == [a, c, b]
    assert [row["rank"] for row in doc["townships"]] == [1, 2, 3]
    # The breakdown that explains B's score: no decisions, so no legality-review value.
    assert rows[b]["indicators"]["rates.legality_review_coverage"]["value"] is None
    assert rows[b]["indicators"]["rates.mediation_success"]["value"] == 0.3333
    assert rows[b]["indicators"]["rates.on_time_rectification"]["value"] == 0.0


def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(towns):
    county, (best, tied_1, tied_2, last) = towns.townships(4)
    towns.import_lines(small_year(best, hotline=(1, 1)))
    towns.import_lines(small_year(tied_1, disputes=(2, 1), inspections=1))
    towns.import_lines(small_year(tied_2, disputes=(2, 1)))
    towns.import_lines(small_year(last, disputes=(4, 1)))

    doc = ranking(towns.ledger, county)

    assert standings(doc) == {
        best: (1, 100.0),
        tied_1: (2, 50.0),
        tied_2: (2, 50.0),
        last: (4, 25.0),
    }
    assert [row["township"] for row in doc["townships"]][-1] == last


def test_an_indicator_without_data_is_left_out_and_the_weights_rescale(towns):
    county, (partial, nothing, roster_only) = towns.townships(3)
    towns.import_lines(small_year(partial, disputes=(2, 1), hotline=(1, 1)))
    towns.import_lines(
        [line(roster_only, "advisor_appointed", "A-1", "2024-01-02", level="township")]
    )

    doc = ranking(towns.ledger, county)

    # (0.5 + 1.0) / 2 — not (0.5 + 1.0) / 5 as if the three other rates were 0.
    assert standings(doc)[partial] == (1, 75.0)
    # No indicator has data: no score, no rank, listed after every township with a score.
    assert standings(doc)[nothing] == (None, None)
    assert standings(doc)[roster_only] == (None, None)
    assert [row["score"] for row in doc["townships"]] == [75.0, None, None]


def test_indicators_set_by_the_county_officer_change_the_ranking(towns):
    place = towns.place()
    county, x = place.county, place.township
    y, z = towns.township(county), towns.township(county)
    counts = {
        x: dict(inspections=3, disputes=(2, 1)),
        y: dict(inspections=1, disputes=(1, 1)),
        z: dict(inspections=0, disputes=(4, 3)),
    }
    for township, spec in counts.items():
        towns.import_lines(small_year(township, **spec))
    chosen = [
        {"figure": "inspections", "direction": "higher", "weight": 1},
        {"figure": "rates.mediation_success", "direction": "higher", "weight": 2},
    ]
    before = ranking(towns.ledger, county)

    kept = towns.ledger.rankings.set_indicators(place.officer(), county=county, indicators=chosen)
    after = ranking(towns.ledger, county, place.officer())

    assert [row["township"] for row in before["townships"]] == [y, z, x]
    low, high = 0, 3  # inspections are scaled across the county's townships
    expected = {
        t: expected_score(
            [
                (1, Fraction(spec["inspections"] - low, high - low)),
                (2, Fraction(*spec["disputes"][::-1])),
            ]
        )
        for t, spec in counts.items()
    }
    assert expected == {x: 66.67, y: 77.78, z: 50.0}
    assert standings(after) == {y: (1, 77.78), x: (2, 66.67), z: (3, 50.0)}
    assert after["weights"] == kept == chosen


def test_a_count_where_lower_is_better_reverses_its_scale(towns):
    county, (few, many) = towns.townships(2)
    towns.import_lines(small_year(few, inspections=1))
    towns.import_lines(small_year(many, inspections=5))
    towns.ledger.rankings.set_indicators(
        OPERATOR,
        county=county,
        indicators=[{"figure": "inspections", "direction": "lower", "weight": 3}],
    )

    assert standings(ranking(towns.ledger, county)) == {few: (1, 100.0), many: (2, 0.0)}


def test_a_ranking_as_of_a_past_moment_uses_the_weights_in_force_then(towns):
    place = towns.place()
    county, a = place.county, place.township
    b = towns.township(county)
    towns.import_lines(small_year(a, disputes=(1, 1), inspections=0))
    towns.import_lines(small_year(b, disputes=(2, 1), inspections=4))
    then = moment()
    towns.ledger.rankings.set_indicators(
        place.officer(),
        county=county,
        indicators=[{"figure": "inspections", "direction": "higher", "weight": 1}],
    )

    past = ranking(towns.ledger, county, as_of=then)
    now = ranking(towns.ledger, county)

    assert [w["figure"] for w in past["weights"]] == [f"rates.{name}" for name in RATES]
    assert standings(past) == {a: (1, 100.0), b: (2, 50.0)}
    assert now["weights"] == [{"figure": "inspections", "direction": "higher", "weight": 1}]
    assert standings(now) == {b: (1, 100.0), a: (2, 0.0)}


@pytest.mark.parametrize(
    ("indicators", "field"),
    [
        ([], "indicators"),
        (
            [{"figure": "rates.happiness", "direction": "higher", "weight": 1}],
            "indicators[1].figure",
        ),
        (
            [{"figure": "roster.liaisons", "direction": "higher", "weight": 1}],
            "indicators[1].figure",
        ),
        ([{"figure": "inspections", "direction": "up", "weight": 1}], "indicators[1].direction"),
        (
            [
                {"figure": "inspections", "direction": "higher", "weight": 1},
                {"figure": "rates.rectification", "direction": "higher", "weight": 0},
            ],
            "indicators[2].weight",
        ),
        ([{"figure": "inspections", "weight": 1, "colour": "red"}], "indicators[1]"),
        (
            [
                {"figure": "inspections", "direction": "higher", "weight": 1},
                {"figure": "inspections", "direction": "lower", "weight": 1},
            ],
            "indicators",
        ),
    ],
)
def test_invalid_indicators_are_refused_naming_the_field(towns, indicators, field):
    place = towns.place()

    with pytest.raises(InvalidField) as refused:
        towns.ledger.rankings.set_indicators(
            place.officer(), county=place.county, indicators=indicators
        )

    assert refused.value.field == field
    assert (
        ranking(towns.ledger, place.county)["weights"][0]["figure"]
        == "rates.legality_review_coverage"
    )


def test_only_a_county_officer_sets_the_indicators(towns):
    place = towns.place()
    chosen = [{"figure": "inspections", "direction": "higher", "weight": 1}]
    rankings = towns.ledger.rankings

    # An auditor sees the county but may not change it; a township's clerk or head does not
    # see the county at all (a county is not one of their records).
    with pytest.raises(Forbidden):
        rankings.set_indicators(place.auditor(), county=place.county, indicators=chosen)
    for township_user in (place.clerk(), place.head()):
        with pytest.raises(NotFound):
            rankings.set_indicators(township_user, county=place.county, indicators=chosen)
    with pytest.raises(NotFound):
        rankings.set_indicators(towns.place().officer(), county=place.county, indicators=chosen)

    assert len(ranking(towns.ledger, place.county)["weights"]) == len(RATES)


def test_the_live_ranking_equals_the_ranking_folded_as_of_now(towns):
    place = towns.place()
    county = place.county
    drawn = [towns.township(county) for _ in range(3)]
    for seed, township in enumerate(drawn):
        towns.import_lines(township_lines(township, 2024, seed, scale=0.05))
    towns.import_lines(small_year(place.township, disputes=(3, 2), hotline=(2, 2)))
    # Retractions, follow-ups recorded later, and entries of other years.
    towns.record(place.township, "entry_retracted", "D-0", "2024-05-01", reason="重复")
    towns.record(place.township, "entry_retracted", "H-1", "2024-06-09", reason="错录")
    towns.record(
        place.township,
        "dispute_mediated",
        "D-2",
        "2024-04-01",
        outcome="resolved",
        mediator="volunteer",
    )
    towns.import_lines(small_year(towns.township(county)))
    towns.record(drawn[0], "inspection_conducted", "X-2023", "2023-12-31", area="市场")
    towns.record(drawn[0], "inspection_conducted", "X-2025", "2025-01-01", area="市场")
    counts = [
        {"figure": f"rates.{name}", "direction": "higher", "weight": w + 1}
        for w, name in enumerate(RATES)
    ] + [
        {"figure": "inspections", "direction": "higher", "weight": 2},
        {"figure": "sessions.publicity.reached", "direction": "lower", "weight": 1},
        {"figure": "disputes.failed", "direction": "lower", "weight": 1},
    ]

    for indicators in (None, counts):
        if indicators:
            towns.ledger.rankings.set_indicators(OPERATOR, county=county, indicators=indicators)
        now = moment()
        for period in ("2024", "2024-Q2", "2024-07"):
            live = ranking(towns.ledger, county, period=period)
            folded = ranking(towns.ledger, county, period=period, as_of=now)
            assert live["townships"] == folded["townships"], (indicators, period)
            assert live["weights"] == folded["weights"]

    scores = [row["score"] for row in live["townships"] if row["score"] is not None]
    assert len(scores) >= 4
    assert all(0 <= s <= 100 and s == round(s, 2) for s in scores)
