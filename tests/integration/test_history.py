"""History and the past beside today: an entry's events with late ones marked, a township's
time window, and figures or a ranking as of a moment compared with today's."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidField, NotFound
from domain.values import today
from services import Services
from tests.integration.conftest import Towns, moment
from tests.integration.tampering import two_disputes
from tests.support import OPERATOR, Place


def test_an_entrys_history_marks_what_came_after_the_report(ledger: Services, towns: Towns):
    place = towns.place()
    town = place.township
    towns.import_lines(two_disputes(town))
    towns.record(town, "report_submitted", "R-2024", "2025-01-10", year=2024)
    towns.record(town, "dispute_mediated", "D-2", "2024-12-30", outcome="failed", mediator="other")
    found = ledger.history.entry(place.auditor(), township=town, entry_id="D-2")
    assert (found["type"], found["occurred_on"], found["retracted"]) == (
        "dispute_registered",
        "2024-03-02",
        False,
    )
    registered, mediated = found["events"]
    assert registered["type"] == "dispute_registered" and registered["recorded_by"] == "operator"
    days = (today() - date(2024, 12, 30)).days  # in the installation's days
    assert f"recorded {days} days after its business date" in mediated["late"]
    assert any("after the 2024 report was submitted" in why for why in mediated["late"])
    assert not any("report was submitted" in why for why in registered["late"])
    with pytest.raises(NotFound, match=f"no entry D-9 in {town}"):
        ledger.history.entry(OPERATOR, township=town, entry_id="D-9")
    with pytest.raises(NotFound):
        ledger.history.entry(Place(towns.county(), "").auditor(), township=town, entry_id="D-2")


def test_a_townships_stream_holds_what_was_recorded_in_the_window(
    ledger: Services, towns: Towns
) -> None:
    town = towns.township()
    towns.import_lines(two_disputes(town))
    start = moment()
    towns.record(town, "entry_retracted", "D-2", "2024-04-01", reason="重复")
    end = moment()
    towns.record(town, "dispute_registered", "D-3", "2024-05-01", source="other", category="劳动")
    window = ledger.history.stream(OPERATOR, township=town, since=start, until=end)
    assert [(e["entry_id"], e["type"], e["retraction"]) for e in window] == [
        ("D-2", "entry_retracted", True)
    ]
    with pytest.raises(InvalidField, match="from"):
        ledger.history.stream(OPERATOR, township=town, since="yesterday")


def test_figures_as_of_a_moment_beside_today_name_the_late_entries(
    ledger: Services, towns: Towns
) -> None:
    county, (town, other) = towns.townships(2)
    towns.import_lines([*two_disputes(town), *two_disputes(other)])
    then = moment()
    towns.record(
        town, "dispute_mediated", "D-2", "2024-03-09", outcome="resolved", mediator="other"
    )
    towns.record(other, "entry_retracted", "D-1", "2025-01-20", reason="登记有误")
    figures = ledger.differences.figures_since(OPERATOR, township=town, period="2024", as_of=then)
    assert figures["changed"]["disputes.resolved"] == {"then": 1, "now": 2}
    assert figures["changed"]["rates.mediation_success.value"] == {"then": 0.5, "now": 1.0}
    assert [(e["entry_id"], e["type"]) for e in figures["entries"]] == [("D-2", "dispute_mediated")]
    ranking = ledger.differences.ranking_since(OPERATOR, county=county, period="2024", as_of=then)
    ranks = {c["township"]: (c["then_rank"], c["rank"]) for c in ranking["changed"]}
    assert ranks == {town: (1, 1), other: (1, 2)}
    assert {
        (e["township"], e["entry_id"], e["why"].split(" after ")[0]) for e in ranking["entries"]
    } == {
        (town, "D-2", "recorded"),
        (other, "D-1", "retracted"),
    }
    with pytest.raises(InvalidField, match="as_of"):
        ledger.differences.ranking_since(OPERATOR, county=county, period="2024", as_of=None)
