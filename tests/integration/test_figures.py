"""Figures of a township on every store: periods, rates without data, figures as of a past
moment across retractions and late entries, traces, tenancy and the report's status. (The seed
town's own figures are tests/unit/test_seed.py's.)"""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from projections.figures import lookup
from sample.lines import seed_lines
from tests.integration.conftest import moment
from tests.support import OPERATOR, line


def figures(ledger, township, period="2024", principal=OPERATOR, **kw):
    return ledger.figures.figures(principal, township=township, period=period, **kw)


def trace(ledger, township, figure, period="2024", principal=OPERATOR, **kw):
    return ledger.figures.trace(principal, township=township, period=period, figure=figure, **kw)


def stamp(when) -> str:
    return when.isoformat().replace("+00:00", "Z")


# -- the seed year ---------------------------------------------------------------------------


def test_the_quarters_and_the_months_of_the_seed_year_add_up_to_the_year(towns):
    township = towns.township()
    towns.import_lines(seed_lines(township=township))
    cohort = ("disputes.registered", "disputes.resolved", "issues.found", "hotline.received")

    def counts(period):
        doc = figures(towns.ledger, township, period)
        return [lookup(doc, name) for name in cohort]

    year = counts("2024")
    quarters = [counts(f"2024-Q{q}") for q in range(1, 5)]
    months = [counts(f"2024-{m:02d}") for m in range(1, 13)]

    assert all(year)
    assert [sum(column) for column in zip(*quarters, strict=True)] == year
    assert [sum(column) for column in zip(*months, strict=True)] == year
    assert all(q[0] < year[0] for q in quarters)  # each quarter holds only its own part


# -- periods ---------------------------------------------------------------------------------


def test_a_quarter_and_a_month_count_the_entries_of_their_business_dates(towns):
    township = towns.township()
    towns.import_lines(
        [
            line(
                township,
                "dispute_registered",
                "D-1",
                "2024-02-10",
                source="screening",
                category="土地",
            ),
            line(
                township,
                "dispute_mediated",
                "D-1",
                "2024-04-02",
                outcome="resolved",
                mediator="volunteer",
            ),
            line(
                township,
                "dispute_registered",
                "D-2",
                "2024-03-31",
                source="petition",
                category="邻里",
            ),
            line(
                township, "dispute_registered", "D-3", "2024-05-01", source="other", category="劳动"
            ),
            line(township, "advisor_appointed", "A-1", "2024-01-05", level="township"),
            line(township, "advisor_appointed", "A-2", "2024-04-01", level="community"),
            line(township, "inspection_conducted", "I-1", "2023-12-31", area="市场"),
        ]
    )

    q1 = figures(towns.ledger, township, "2024-Q1")
    february = figures(towns.ledger, township, "2024-02")
    march = figures(towns.ledger, township, "2024-03")
    q2 = figures(towns.ledger, township, "2024-Q2")

    # D-1 counts in the period it was registered in, resolved though the mediation was in Q2.
    assert q1["disputes"]["registered"] == 2
    assert q1["disputes"]["resolved"] == 1
    assert q1["rates"]["mediation_success"]["value"] == 0.5
    assert (february["disputes"]["registered"], february["disputes"]["resolved"]) == (1, 1)
    assert (march["disputes"]["registered"], march["disputes"]["resolved"]) == (1, 0)
    assert (q2["disputes"]["registered"], q2["disputes"]["resolved"]) == (1, 0)
    assert q1["inspections"] == q2["inspections"] == 0  # 2023 is in no 2024 period
    # The roster is as of the period's end.
    assert (q1["roster"]["advisors_township"], q1["roster"]["advisors_community"]) == (1, 0)
    assert (q2["roster"]["advisors_township"], q2["roster"]["advisors_community"]) == (1, 1)
    assert february["roster"]["advisors_community"] == 0


def test_a_rate_whose_denominator_is_zero_has_no_value(towns):
    township = towns.township()
    towns.import_lines(
        [
            line(
                township,
                "dispute_registered",
                "D-1",
                "2024-03-01",
                source="screening",
                category="土地",
            ),
            line(
                township,
                "dispute_mediated",
                "D-1",
                "2024-03-02",
                outcome="failed",
                mediator="other",
            ),
        ]
    )

    rates = figures(towns.ledger, township)["rates"]

    assert rates["mediation_success"] == {"numerator": 0, "denominator": 1, "value": 0.0}
    for name in (
        "legality_review_coverage",
        "rectification",
        "on_time_rectification",
        "hotline_answer",
    ):
        assert rates[name] == {"numerator": 0, "denominator": 0, "value": None}, name


# -- as of a moment --------------------------------------------------------------------------


def test_figures_as_of_a_moment_count_what_had_been_recorded_by_then(towns):
    township = towns.township()
    register = {"source": "screening", "category": "土地"}
    towns.record(township, "dispute_registered", "D-1", "2024-03-01", **register)
    towns.record(township, "dispute_registered", "D-2", "2024-03-02", **register)
    towns.record(
        township, "dispute_mediated", "D-1", "2024-03-05", outcome="resolved", mediator="volunteer"
    )
    then = moment()
    towns.record(township, "dispute_registered", "D-3", "2024-03-03", **register)
    towns.record(township, "entry_retracted", "D-1", "2024-03-20", reason="重复登记")

    past = figures(towns.ledger, township, as_of=stamp(then))
    now = figures(towns.ledger, township)

    # D-3 was recorded after the moment; D-1 was retracted after it, so it still counts then.
    assert (past["disputes"]["registered"], past["disputes"]["resolved"]) == (2, 1)
    assert trace(towns.ledger, township, "disputes.registered", as_of=then) == ["D-1", "D-2"]
    assert past["as_of"] == stamp(then)
    # Retracted entries leave the figures from the moment of the retraction.
    assert (now["disputes"]["registered"], now["disputes"]["resolved"]) == (2, 0)
    assert trace(towns.ledger, township, "disputes.registered") == ["D-2", "D-3"]


def test_a_late_entry_is_absent_before_it_was_recorded_and_present_after(towns):
    township = towns.township()
    towns.record(township, "inspection_conducted", "I-1", "2024-11-02", area="餐饮")
    then = moment()
    towns.record(township, "inspection_conducted", "I-2", "2024-06-15", area="建筑工地")

    assert figures(towns.ledger, township, as_of=then)["inspections"] == 1
    assert figures(towns.ledger, township, "2024-06", as_of=then)["inspections"] == 0
    assert figures(towns.ledger, township)["inspections"] == 2
    assert figures(towns.ledger, township, "2024-06")["inspections"] == 1


def test_a_follow_up_recorded_later_changes_only_the_later_figures(towns):
    township = towns.township()
    towns.record(
        township,
        "issue_found",
        "P-1",
        "2024-05-01",
        category="安全",
        description="消防通道堵塞",
        deadline="2024-05-31",
    )
    then = moment()
    towns.record(township, "issue_rectified", "P-1", "2024-05-20")

    past = figures(towns.ledger, township, as_of=then)
    now = figures(towns.ledger, township)

    assert past["rates"]["rectification"] == {"numerator": 0, "denominator": 1, "value": 0.0}
    assert now["rates"]["rectification"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert now["rates"]["on_time_rectification"]["value"] == 1.0


# -- traces ----------------------------------------------------------------------------------


def test_a_trace_names_exactly_the_entries_behind_a_figure(towns):
    township = towns.township()
    lines = seed_lines(township=township)
    towns.import_lines(lines)
    last_outcome = {ln["id"]: ln["outcome"] for ln in lines if ln["type"] == "dispute_mediated"}
    registered = sorted(ln["id"] for ln in lines if ln["type"] == "dispute_registered")
    resolved = sorted(i for i, outcome in last_outcome.items() if outcome == "resolved")

    assert trace(towns.ledger, township, "disputes.resolved") == resolved
    assert trace(towns.ledger, township, "rates.mediation_success") == resolved
    assert trace(towns.ledger, township, "rates.mediation_success.denominator") == registered
    assert 0 < len(resolved) < len(registered)


# -- tenancy ---------------------------------------------------------------------------------


def test_a_clerk_of_another_township_finds_nothing(towns):
    place = towns.place()
    towns.record(place.township, "inspection_conducted", "I-1", "2024-02-01", area="市场")
    own, stranger = place.clerk(), towns.place(place.county).clerk()

    assert figures(towns.ledger, place.township, principal=own)["inspections"] == 1
    with pytest.raises(NotFound):
        figures(towns.ledger, place.township, principal=stranger)
    with pytest.raises(NotFound):
        trace(towns.ledger, place.township, "inspections", principal=stranger)
    with pytest.raises(NotFound):
        towns.ledger.reports.report(stranger, township=place.township, year=2024)


def test_a_county_officer_of_another_county_finds_no_ranking(towns):
    place = towns.place()
    rankings = towns.ledger.rankings

    assert rankings.ranking(place.officer(), county=place.county, period="2024")["townships"]
    with pytest.raises(NotFound):
        rankings.ranking(towns.place().officer(), county=place.county, period="2024")
    with pytest.raises(NotFound):
        figures(towns.ledger, place.township, principal=towns.place().officer())


# -- the report's status ---------------------------------------------------------------------


def test_entries_of_a_year_recorded_after_its_report_was_accepted_are_late_amendments(towns):
    place = towns.place()
    clerk, head, officer = place.clerk(), place.head(), place.officer()
    township = place.township
    towns.record(township, "inspection_conducted", "I-1", "2024-10-01", clerk, area="市场")
    assert figures(towns.ledger, township)["report"]["status"] == "not_submitted"

    # The year's report is submitted, and answered, after the year.
    towns.record(township, "report_submitted", "R-2024", "2025-01-10", head, year=2024)
    submitted = figures(towns.ledger, township)["report"]
    towns.record(township, "report_accepted", "R-2024", "2025-01-20", officer)
    then = moment()
    towns.record(township, "inspection_conducted", "I-2", "2024-12-30", clerk, area="集市")
    towns.record(township, "inspection_conducted", "I-3", "2025-02-01", clerk, area="集市")
    accepted = figures(towns.ledger, township)["report"]

    assert (submitted["status"], submitted["submission"]) == ("submitted", "R-2024")
    assert accepted["status"] == "accepted"
    assert accepted["late_amendments"] == ["I-2"]
    assert figures(towns.ledger, township, as_of=then)["report"]["late_amendments"] == []
    assert figures(towns.ledger, township, "2024-Q4").get("report") is None  # years only
    assert figures(towns.ledger, township)["inspections"] == 2


def test_a_returned_report_shows_its_reason(towns):
    place = towns.place()
    towns.record(
        place.township, "report_submitted", "R-2024", "2025-01-08", place.head(), year=2024
    )
    towns.record(
        place.township,
        "report_returned",
        "R-2024",
        "2025-01-09",
        place.officer(),
        reason="缺少执法数据",
    )

    report = figures(towns.ledger, place.township)["report"]

    assert (report["status"], report["reason"]) == ("returned", "缺少执法数据")
    assert report["late_amendments"] == []
