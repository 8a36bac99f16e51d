"""The county's reports pages in one call each (services/overviews.py, issue 20 item 2) on every
store: its townships' reports of a year, and one township's report as the county reads it.
Each resolves the county (or the township) once and brings the read model up to date once,
shows what the separate calls show, and another county's or township's code is "not found"
exactly as it is through them."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Towns
from tests.integration.page_calls import counting, invalid, refusal, resolved_once
from tests.support import OPERATOR, Place, dispute


@pytest.fixture
def county(towns: Towns) -> tuple[str, list[str]]:
    """Three townships of a county with disputes in 2024: a's report of 2024 submitted and
    accepted (so published), b's submitted, c's not; and a deadline for 2024."""
    county, (a, b, c) = towns.townships(3)
    towns.import_lines(
        [
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *dispute(b, "D-1", "2024-02-01", resolved=False),
            *dispute(c, "D-1", "2024-05-01", resolved=None),
        ]
    )
    for code in (a, b):
        head = Place(county, code).head()
        towns.record(code, "report_submitted", "R-2024", "2025-01-10", principal=head, year=2024)
    officer = Place(county, a).officer()
    towns.record(a, "report_accepted", "R-2024", "2025-01-15", principal=officer)
    towns.ledger.calendar.set_deadlines(
        OPERATOR, county=county, deadlines=[{"period": "2024", "due": "2025-01-15"}]
    )
    return county, [a, b, c]


def test_the_reports_page_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, townships) = towns.ledger, county
    officer = Place(code, townships[0]).officer()
    calls = counting(ledger, monkeypatch)
    page = ledger.overviews.county_reports(officer, county=code)
    resolved_once(calls, reads=1)
    assert page.year == "2024"  # the latest year with data
    assert page.rows == [
        (
            ledger.tenancy.township(officer, t),
            ledger.reports.status(officer, township=t, year=2024),
        )
        for t in townships
    ]
    assert page.rows[0][1].status == "accepted"
    published = ledger.publications.published(officer, county=code)
    assert page.published == {
        p["township"]: p for p in published if p["kind"] == "report" and p["period"] == "2024"
    }
    assert set(page.published) == {townships[0]}
    timing = ledger.calendar.completeness(officer, county=code, period="2024")
    assert page.timing == {row["township"]: row for row in timing["townships"]}
    quarter = ledger.overviews.county_reports(officer, county=code, period="2024-Q1")
    assert (quarter.year, quarter.rows) == ("2024", page.rows)


def test_a_reading_of_a_report_is_the_separate_calls_resolving_once(
    towns: Towns, county: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger, (code, (a, b, _)) = towns.ledger, county
    officer = Place(code, a).officer()
    for year in (2024, "2024"):
        calls = counting(ledger, monkeypatch)
        page = ledger.overviews.report_reading(officer, township=b, year=year)
        resolved_once(calls, reads=1)
        assert page.place == ledger.tenancy.township(officer, b)
        assert page.status == ledger.reports.status(officer, township=b, year=2024)
        assert page.year == year
    for year in ("20x4", 1900, "--5"):  # "--5": no number, though "-" stripped it reads as one
        assert invalid(ledger.overviews.report_reading, officer, township=b, year=year) == (
            invalid(ledger.reports.status, officer, township=b, year=year)
        )


def test_another_county_or_township_is_not_found_as_through_the_separate_calls(
    towns: Towns, county: tuple[str, list[str]]
) -> None:
    ledger, (code, (a, b, _)) = towns.ledger, county
    far = towns.place()
    views, officer = ledger.overviews, Place(code, a).officer()
    for other in (far.county, "no-such-county"):
        assert refusal(views.county_reports, officer, county=other) == refusal(
            ledger.publications.published, officer, county=other
        )
    head = Place(code, a).head()
    for who, other in ((officer, far.township), (officer, "no-such-town"), (head, b)):
        assert refusal(views.report_reading, who, township=other, year=2024) == refusal(
            ledger.reports.status, who, township=other, year=2024
        )
