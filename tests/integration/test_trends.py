"""Trends (issue 22 item 5; docs/figures.md "Trends") on every store: each figure of a
township over quarters and years against the same period a year before, at the edges: no data
on either side, equal, up, down; a rate with no denominator; who may ask."""

from __future__ import annotations

import pytest

from domain.errors import InvalidField, NotFound
from services.trends import MOST_YEARS
from tests.integration.conftest import Towns
from tests.support import OPERATOR, Tenants, dispute


def disputes(town: str, prefix: str, day: str, resolved: int, unresolved: int) -> list[dict]:
    lines = []
    for n in range(resolved + unresolved):
        lines += dispute(town, f"{prefix}-{n}", day, resolved=True if n < resolved else None)
    return lines


@pytest.fixture
def town(towns: Towns) -> str:
    """2023 beside 2024, quarter by quarter (disputes registered, resolved):
    Q1 2/1 → 3/2 (both up), Q2 2/2 → 2/2 (same), Q3 3/0 → 1/1 (count down, rate up),
    Q4 nothing → 1/0 (no comparison); the years 7/3 → 7/5 (count same, rate up)."""
    town = towns.township()
    lines = [
        *disputes(town, "A1", "2023-02-01", 1, 1),
        *disputes(town, "A2", "2023-05-01", 2, 0),
        *disputes(town, "A3", "2023-08-01", 0, 3),
        *disputes(town, "B1", "2024-02-01", 2, 1),
        *disputes(town, "B2", "2024-05-01", 2, 0),
        *disputes(town, "B3", "2024-08-01", 1, 0),
        *disputes(town, "B4", "2024-11-01", 0, 1),
    ]
    assert towns.import_lines(lines).recorded == len(lines)
    return town


def cells(doc: dict, figure: str) -> dict[str, tuple]:
    (found,) = [f for f in doc["figures"] if f["figure"] == figure]
    return {c["period"]: (c["value"], c["previous"], c["direction"]) for c in found["values"]}


def test_each_figure_against_the_same_period_a_year_before(towns: Towns, town: str) -> None:
    doc = towns.ledger.trends.trends(OPERATOR, township=town, first=2023, last=2024)
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    assert doc["periods"] == [f"2023-{q}" for q in quarters] + ["2023"] + [
        f"2024-{q}" for q in quarters
    ] + ["2024"]
    registered = cells(doc, "disputes.registered")
    assert registered["2024-Q1"] == (3, 2, "up")
    assert registered["2024-Q2"] == (2, 2, "same")
    assert registered["2024-Q3"] == (1, 3, "down")
    assert registered["2024-Q4"] == (1, None, None)  # nothing counted in 2023-Q4
    assert registered["2024"] == (7, 7, "same")
    assert registered["2023-Q1"] == (2, None, None)  # nothing counted in 2022
    assert registered["2023-Q4"] == (None, None, None)
    success = cells(doc, "rates.mediation_success")
    assert success["2024-Q1"] == (0.6667, 0.5, "up")
    assert success["2024-Q2"] == (1.0, 1.0, "same")
    assert success["2024-Q3"] == (1.0, 0.0, "up")
    assert success["2024-Q4"] == (0.0, None, None)
    assert success["2024"] == (0.7143, 0.4286, "up")
    # a period with data counts 0 for a figure it lacks; a rate without denominator is no data
    assert cells(doc, "inspections")["2024-Q1"] == (0, 0, "same")
    assert cells(doc, "rates.hotline_answer")["2024-Q1"] == (None, None, None)
    better = {f["figure"]: f["better"] for f in doc["figures"]}
    assert better["rates.mediation_success"] == "higher"  # the county's indicators (default)
    assert better["disputes.registered"] is None  # not ranked by the county: just up or down


def test_one_figure_and_the_indicators_in_force(towns: Towns, town: str) -> None:
    county = towns.ledger.tenancy.township(OPERATOR, town).county
    towns.ledger.rankings.set_indicators(
        OPERATOR,
        county=county,
        indicators=[{"figure": "disputes.registered", "direction": "lower", "weight": 1}],
    )
    doc = towns.ledger.trends.trends(
        OPERATOR, township=town, first=2024, last=2024, figure="disputes.registered"
    )
    assert [(f["figure"], f["better"]) for f in doc["figures"]] == [
        ("disputes.registered", "lower")
    ]
    assert doc["periods"] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2024"]


def test_the_county_and_the_township_see_it_no_one_else(towns: Towns, town: str) -> None:
    county = towns.ledger.tenancy.township(OPERATOR, town).county
    tenants = Tenants(towns.ledger)
    own = tenants.place(county)
    mine = type(own)(county, town)
    elsewhere = tenants.place()
    ask = towns.ledger.trends.trends
    for allowed in (mine.officer(), mine.clerk(), mine.head()):
        assert ask(allowed, township=town, first=2024, last=2024)["township"] == town
    for refused in (elsewhere.officer(), own.clerk(), elsewhere.auditor()):
        with pytest.raises(NotFound):
            ask(refused, township=town, first=2024, last=2024)


@pytest.mark.parametrize(
    ("first", "last", "figure", "field"),
    [
        (2024, 2023, None, "to"),
        (2015, 2015 + MOST_YEARS, None, "to"),
        (1948, 1950, None, "from"),
        ("2024", 2024, None, "from"),
        (2024, 2024, "roster.officers", "figure"),
        (2024, 2024, "rates.nothing", "figure"),
    ],
)
def test_a_bad_span_or_figure_is_refused_naming_it(
    towns: Towns, town: str, first, last, figure, field
) -> None:
    with pytest.raises(InvalidField) as refused:
        towns.ledger.trends.trends(OPERATOR, township=town, first=first, last=last, figure=figure)
    assert refused.value.field == field
