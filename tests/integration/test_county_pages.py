"""The county's other pages in one call each (services/overviews.py, issue 20 item 2) on every
store: its indicators, peer groups, completeness, data-quality rules, ranking workbook and an
entry's history. Each resolves the county (or the township) once, brings the read model up to
date once when it reads it (never when it does not), shows what the separate calls show, and
another county's or township's code is "not found" exactly as it is through them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import Towns
from tests.integration.page_calls import counting, invalid, now_aside, refusal, resolved_once
from tests.support import OPERATOR, Place, dispute

MEDIATION = {"figure": "rates.mediation_success", "direction": "higher", "weight": 1}


def without_as_of(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [now_aside(doc) for doc in docs]


@pytest.fixture
def county(towns: Towns) -> tuple[str, list[str]]:
    """Three townships of a county with disputes in 2024 (c's in 2023), a peer group of a
    and b with indicators of its own, and deadlines for 2024 and its first quarter."""
    county, (a, b, c) = towns.townships(3)
    towns.import_lines(
        [
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *dispute(b, "D-1", "2024-02-01", resolved=False),
            *dispute(c, "D-1", "2023-05-01", resolved=None),
        ]
    )
    ledger = towns.ledger
    ledger.rankings.set_groups(
        OPERATOR,
        county=county,
        groups=[{"name": "镇", "townships": [a, b], "indicators": [MEDIATION]}],
    )
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=county,
        deadlines=[
            {"period": "2024", "due": "2025-01-15"},
            {"period": "2024-Q1", "due": "2024-04-15", "grace_days": 2},
        ],
    )
    return county, [a, b, c]


def test_the_indicators_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, (a, _, _)) = towns.ledger, county
    officer = Place(code, a).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_indicators(officer, county=code)
    resolved_once(calls, reads=0)
    assert page.county == ledger.tenancy.county(officer, code)
    assert page.groups == ledger.rankings.groups(officer, county=code)
    ranked = ledger.rankings.ranking(officer, county=code, period="2024")
    assert page.weights == ranked["weights"]
    calls.clear()
    own = ledger.overviews.county_indicators(officer, county=code, group="镇")
    resolved_once(calls, reads=0)
    grouped = ledger.rankings.ranking(officer, county=code, period="2024", group="镇")
    assert own.weights == grouped["weights"] == [MEDIATION]
    assert invalid(ledger.overviews.county_indicators, officer, county=code, group="街道") == (
        invalid(ledger.rankings.ranking, officer, county=code, period="2024", group="街道")
    )


def test_the_groups_page_names_the_townships_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, townships) = towns.ledger, county
    officer = Place(code, townships[0]).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_groups(officer, county=code)
    resolved_once(calls, reads=0)
    assert page.county == ledger.tenancy.county(officer, code)
    assert page.groups == ledger.rankings.groups(officer, county=code)
    calls.clear()
    names = {t: ledger.tenancy.township(officer, t).name for t in townships}
    assert page.names == names
    assert calls["township"] == 3  # what the page did before


def test_the_completeness_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, townships) = towns.ledger, county
    officer = Place(code, townships[0]).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_completeness(officer, county=code)
    resolved_once(calls, reads=1)
    assert page.period == "2024"  # the latest year with data
    assert set(page.names) == set(townships)
    calendar = ledger.calendar
    alone = calendar.completeness(officer, county=code, period="2024")
    assert now_aside(page.completeness) == now_aside(alone)
    record = calendar.record(officer, county=code)
    assert without_as_of(page.record) == without_as_of(record)
    assert [doc["period"] for doc in record] == ["2024", "2024-Q1"]
    quarter = ledger.overviews.county_completeness(officer, county=code, period="2024-Q1")
    assert quarter.completeness["due"] == "2024-04-15"
    assert invalid(
        ledger.overviews.county_completeness, officer, county=code, period="2024-03"
    ) == (invalid(calendar.completeness, officer, county=code, period="2024-03"))


def test_the_quality_rules_page_resolves_its_county_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, townships) = towns.ledger, county
    officer = Place(code, townships[0]).officer()
    ledger.quality.set_rules(OPERATOR, county=code, rules={"rushed": {"above": 0.3}})
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_rules(officer, county=code)
    resolved_once(calls, reads=0)
    assert page.county == ledger.tenancy.county(officer, code)
    assert page.rules == ledger.quality.rules(officer, county=code)
    assert page.rules["rushed"]["above"] == 0.3


def test_the_workbook_is_the_ranking_and_each_townships_figures_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, townships) = towns.ledger, county
    officer = Place(code, townships[0]).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_workbook(officer, county=code)
    resolved_once(calls, reads=1)
    calls.clear()
    assert page.period == "2024"
    ranked = ledger.rankings.ranking(
        officer, county=code, period="2024", with_flags=True, with_groups=True
    )
    assert now_aside(page.ranking) == now_aside(ranked)
    rows = [row["township"] for row in ranked["townships"]]
    figures = [ledger.figures.figures(officer, township=t, period="2024") for t in rows]
    assert without_as_of(page.figures) == without_as_of(figures)
    assert [doc["township"] for doc in page.figures] == rows
    assert calls["township"] == 3  # what the workbook did before
    quarter = ledger.overviews.county_workbook(officer, county=code, period="2024-Q1")
    assert {doc["period"] for doc in quarter.figures} == {quarter.ranking["period"]} == {"2024-Q1"}


def test_an_entrys_history_names_its_township_resolving_it_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, (a, _, _)) = towns.ledger, county
    officer = Place(code, a).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.entry_history(officer, township=a, entry_id="D-1")
    resolved_once(calls, reads=1)
    assert page.entry == ledger.history.entry(officer, township=a, entry_id="D-1")
    assert page.names == {a: ledger.tenancy.township(officer, a).name}


def test_another_county_or_township_is_not_found_as_through_the_separate_calls(
    towns: Towns, county: tuple[str, list[str]]
) -> None:
    ledger, (code, (a, b, _)) = towns.ledger, county
    far = towns.place()
    views, officer = ledger.overviews, Place(code, a).officer()
    for other in (far.county, "no-such-county"):
        through = refusal(ledger.rankings.groups, officer, county=other)
        assert refusal(views.county_indicators, officer, county=other) == through
        assert refusal(views.county_groups, officer, county=other) == through
        assert refusal(views.county_rules, officer, county=other) == through
        assert refusal(views.county_completeness, officer, county=other) == refusal(
            ledger.calendar.completeness, officer, county=other, period="2024"
        )
        assert refusal(views.county_workbook, officer, county=other) == refusal(
            ledger.rankings.ranking, officer, county=other, period="2024"
        )
    head = Place(code, a).head()
    for who, other, entry in (
        (officer, far.township, "D-1"),
        (officer, "no-such-town", "D-1"),
        (officer, a, "no-such-entry"),
        (head, b, "D-1"),
    ):
        assert refusal(views.entry_history, who, township=other, entry_id=entry) == refusal(
            ledger.history.entry, who, township=other, entry_id=entry
        )
