"""A page's one call (services/overviews.py, issue 20 item 2) on every store: it resolves the
principal's township and county once each and brings the read model up to date once, it
shows what the separate calls show, and another township's or county's code is "not found"
exactly as it is through them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.errors import InvalidField
from domain.values import FIRST_DAY
from services.trends import default_years
from tests.integration.conftest import Towns
from tests.integration.page_calls import counting, now_aside, once_each, refusal
from tests.support import OPERATOR, Place, dispute

MEDIATION = {"figure": "rates.mediation_success", "direction": "higher", "weight": 1}
REGISTERED = {"figure": "disputes.registered", "direction": "higher", "weight": 1}
WORDS = {"problems": "一是……", "next_steps": "二是……"}


@pytest.fixture
def county(towns: Towns) -> tuple[str, list[str]]:
    """Three townships of a county with disputes in 2024 (a 2/2 mediated, b 1/2, c none), a
    ranking of 2024 published by mediation, then the indicators changed (its ranks restated),
    and deadlines for 2024 and its first quarter."""
    county, (a, b, c) = towns.townships(3)
    towns.import_lines(
        [
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *dispute(a, "D-2", "2024-05-01", resolved=True),
            *dispute(b, "D-1", "2024-02-01", resolved=True),
            *dispute(b, "D-2", "2024-05-01", resolved=False),
            *dispute(b, "D-3", "2024-05-02", resolved=None),
            *dispute(c, "D-1", "2023-05-01", resolved=None),
        ]
    )
    ledger = towns.ledger
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=[MEDIATION])
    ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=[REGISTERED])
    ledger.calendar.set_deadlines(
        OPERATOR,
        county=county,
        deadlines=[
            {"period": "2024", "due": "2025-01-15"},
            {"period": "2024-Q1", "due": "2024-04-15", "grace_days": 2},
        ],
    )
    return county, [a, b, c]


def test_the_dashboard_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, head = towns.ledger, Place(county[0], county[1][1]).head()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.township_dashboard(head, township=head.township)
    once_each(calls)
    calls.clear()
    alone = ledger.figures.dashboard(head, township=head.township)
    assert (page.place, page.period) == (alone.place, alone.period) == (alone.place, "2024")
    assert now_aside(page.figures) == now_aside(alone.figures)
    assert page.open_issues == alone.open_issues
    flags = ledger.quality.township_flags(head, township=head.township, period="2024")
    assert page.flags == flags
    assert page.due == ledger.calendar.next_due(head, township=head.township)
    assert page.due is not None and page.due.period == "2024-Q1"
    quarters = ledger.calendar.quarters(head, township=head.township, year=2024)
    assert page.quarters == quarters
    assert [q["period"] for q in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert calls["township"] == 4 and calls["_county"] == 3  # what the page did before
    asked = ledger.overviews.township_dashboard(head, township=head.township, period="2023")
    assert asked.period == "2023"
    assert [q["period"] for q in asked.quarters][0] == "2023-Q1"


def test_the_ranking_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, officer = towns.ledger, Place(county[0], county[1][0]).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_ranking(officer, county=county[0])
    once_each(calls)
    calls.clear()
    assert page.county == ledger.tenancy.county(officer, county[0])
    alone = ledger.rankings.ranking(officer, county=county[0], period="2024", with_groups=True)
    assert now_aside(page.ranking) == now_aside(alone)
    notice = ledger.publications.restatement(officer, county=county[0], period="2024")
    assert page.restatement == notice
    assert notice is not None and "indicators" in notice["because"]
    quality = ledger.quality.quality(officer, county=county[0], period="2024")
    assert page.flags == {row["township"]: row["flags"] for row in quality["townships"]}
    assert calls["_county"] >= 4  # what the page did before
    asked = ledger.overviews.county_ranking(officer, county=county[0], period="2024-Q2")
    assert asked.ranking["period"] == "2024-Q2"


def test_the_county_page_of_a_township_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, towns_of) = towns.ledger, county
    officer, township = Place(code, towns_of[1]).officer(), towns_of[1]
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_township(officer, county=code, township=township)
    once_each(calls)
    found = ledger.breakdowns.breakdown(officer, county=code, township=township, period="2024")
    assert now_aside(page.breakdown) == now_aside(found)
    assert (page.trend.first, page.trend.last) == (2023, 2024)
    travel = ledger.trends.trends(officer, township=township, first=2023, last=2024)
    assert page.trend.trends == travel
    asked = ledger.overviews.county_township(
        officer, county=code, township=township, period="2024-Q1", first=2022
    )
    assert asked.breakdown["period"] == "2024-Q1"
    assert (asked.trend.first, asked.trend.last) == (2022, 2024)


def test_the_quarterly_chart_resolves_its_county_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, towns_of) = towns.ledger, county
    officer = Place(code, towns_of[0]).officer()
    calls = counting(ledger, monkeypatch)
    quarters = ledger.breakdowns.trend(officer, county=code, township=towns_of[0], period="2024")
    once_each(calls)
    assert [q["period"] for q in quarters] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"]
    assert quarters[0]["rank"] is not None


def test_the_trends_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, head = towns.ledger, Place(county[0], county[1][2]).head()
    calls = counting(ledger, monkeypatch)
    shown = ledger.overviews.township_trends(head, township=head.township)
    once_each(calls)
    # c counted nothing after 2023: its pages open on 2023, beside 2022
    assert ledger.browsing.latest_year(head, township=head.township) == 2023
    assert (shown.first, shown.last) == (2022, 2023)
    travel = ledger.trends.trends(head, township=head.township, first=2022, last=2023)
    assert shown.trends == travel
    asked = ledger.overviews.township_trends(head, township=head.township, last=2024)
    assert (asked.first, asked.last) == (2023, 2024)


def test_the_report_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, head = towns.ledger, Place(county[0], county[1][0]).head()
    ledger.reports.write_narrative(head, township=head.township, year=2024, fields=WORDS)
    ledger.reports.submit(head, township=head.township, year=2024)
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.township_report(head, township=head.township)
    once_each(calls)
    reports, asked = ledger.reports, {"township": head.township, "year": 2024}
    assert page.year == 2024  # the latest year with data
    assert replace(page.document, as_of=None) == replace(reports.report(head, **asked), as_of=None)
    assert page.status == reports.status(head, **asked)
    assert page.status.status == "submitted"
    assert page.timing == ledger.calendar.timing(head, **asked)
    assert page.narrative == reports.narrative(head, **asked)
    assert {k: v for k, v in page.narrative.items() if v} == WORDS
    for call in (ledger.overviews.township_report, reports.report):  # refused alike
        with pytest.raises(InvalidField) as caught:
            call(head, township=head.township, year="x")
        assert (caught.value.code, caught.value.field) == ("year.out_of_range", "year")


def test_the_years_of_trends_by_default() -> None:
    assert default_years(None, None, 2024) == (2023, 2024)
    assert default_years(None, 2020, 2024) == (2019, 2020)
    assert default_years(2010, None, 2024) == (2010, 2024)
    assert default_years(None, FIRST_DAY.year, 2024) == (FIRST_DAY.year, FIRST_DAY.year)
    assert default_years(None, "20x", 2024) == (2024, "20x")  # refused by the service


def test_another_township_or_county_is_not_found_as_through_the_separate_calls(
    towns: Towns, county: tuple[str, list[str]]
) -> None:
    ledger, (code, (a, b, _)) = towns.ledger, county
    far = towns.place()
    head, officer = Place(code, a).head(), Place(code, a).officer()
    views, years = ledger.overviews, {"first": 2023, "last": 2024}
    for other in (b, far.township, "no-such-town"):
        assert refusal(views.township_dashboard, head, township=other) == refusal(
            ledger.figures.dashboard, head, township=other
        )
        assert refusal(views.township_trends, head, township=other) == refusal(
            ledger.trends.trends, head, township=other, **years
        )
        assert refusal(views.township_report, head, township=other, year=2024) == refusal(
            ledger.reports.report, head, township=other, year=2024
        )
    for other in (far.county, "no-such-county"):
        assert refusal(views.county_ranking, officer, county=other) == refusal(
            ledger.rankings.ranking, officer, county=other, period="2024"
        )
        assert refusal(views.county_township, officer, county=other, township=a) == refusal(
            ledger.breakdowns.breakdown, officer, county=other, township=a, period="2024"
        )
    for other in (far.township, "no-such-town"):
        assert refusal(views.county_township, officer, county=code, township=other) == refusal(
            ledger.breakdowns.breakdown, officer, county=code, township=other, period="2024"
        )
        assert refusal(views.township_trends, officer, township=other) == refusal(
            ledger.trends.trends, officer, township=other, **years
        )
