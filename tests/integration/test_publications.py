"""Publications: a county's ranking frozen and given back byte for byte whatever is recorded
later; a restatement notice naming the entries that changed a published rank; a truncated
history caught by the publication's anchors."""

from __future__ import annotations

import hashlib
import json

import pytest

from domain.chain import chain_uuid
from domain.entry import entry_uuid
from domain.errors import Forbidden, NotFound
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from tests.integration.conftest import Towns
from tests.integration.tampering import RawStore
from tests.support import OPERATOR, Place, assert_restated, dispute


def a_year(towns: Towns) -> tuple[str, str, str]:
    """Township a resolves 2 of 3 disputes (rank 1), b 1 of 2 (rank 2)."""
    county, (a, b) = towns.townships(2)
    towns.import_lines(
        [
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *dispute(a, "D-2", "2024-03-01", resolved=True),
            *dispute(a, "D-3", "2024-04-01", resolved=None),
            *dispute(b, "D-1", "2024-02-01", resolved=True),
            *dispute(b, "D-2", "2024-03-01", resolved=None),
        ]
    )
    return county, a, b


def ranks(ranking: dict) -> dict[str, int]:
    return {row["township"]: row["rank"] for row in ranking["townships"]}


def test_a_publication_stays_true_and_later_entries_are_named(ledger: Services, towns: Towns):
    county, a, b = a_year(towns)
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    published = ledger.publications.publication(OPERATOR, publication_id=receipt.id)
    assert hashlib.sha256(published).hexdigest() == receipt.sha256
    document = json.loads(published)
    assert ranks(document) == {a: 1, b: 2}
    assert document["position"] == receipt.position
    assert set(document["chain_heads"]) == {a, b}
    assert ledger.publications.restatement(OPERATOR, county=county, period="2024") is None

    # Late: b's second dispute mediated after publication; a's first retracted.
    towns.record(b, "dispute_mediated", "D-2", "2024-03-05", outcome="resolved", mediator="other")
    towns.record(a, "entry_retracted", "D-1", "2025-01-20", reason="登记有误")

    again = ledger.publications.publication(OPERATOR, publication_id=receipt.id)
    assert again == published
    today = ledger.rankings.ranking(OPERATOR, county=county, period="2024")
    assert ranks(today) == {b: 1, a: 2}
    notice = ledger.publications.restatement(OPERATOR, county=county, period="2024")
    assert_restated(notice, receipt.id, a, b)


def test_only_the_county_office_publishes(ledger: Services, towns: Towns) -> None:
    county, _, _ = a_year(towns)
    place = Place(county, "")
    with pytest.raises(Forbidden):
        ledger.publications.publish_ranking(place.auditor(), county=county, period="2024")
    receipt = ledger.publications.publish_ranking(place.officer(), county=county, period="2024")
    # The county's auditor reads it; another county's officer finds nothing.
    assert ledger.publications.publication(place.auditor(), publication_id=receipt.id)
    stranger = Place(towns.county(), "").officer()
    with pytest.raises(NotFound, match=f"no publication {receipt.id}"):
        ledger.publications.publication(stranger, publication_id=receipt.id)
    with pytest.raises(NotFound, match="no publication nonsense"):
        ledger.publications.publication(OPERATOR, publication_id="nonsense")


def test_a_truncated_tail_is_caught_by_the_publications_anchor(own_sql_database_url: str):
    ledger = open_ledger(Settings(database_url=own_sql_database_url))
    raw = RawStore(own_sql_database_url, ledger.app.recorder.events_table_name)
    try:
        towns = Towns(ledger)
        county, a, b = a_year(towns)
        towns.record(a, "dispute_mediated", "D-3", "2024-04-05", outcome="failed", mediator="other")
        ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
        # The tail cut off, read model included: events, link, and their facts.
        raw.delete(entry_uuid(a, "D-3"), 2)
        raw.delete(chain_uuid(a), 2)
        raw.execute(
            "DELETE FROM ledger_rm_facts WHERE township = ? AND type = ?", (a, "dispute_mediated")
        )
        first = ledger.verifier.verify(OPERATOR, township=a).first
        assert (first.township, first.version) == (a, 2)
        assert "anchored link 2" in first.what and "no longer on the chain" in first.what
    finally:
        raw.close()
        ledger.close()


def test_accepting_a_report_publishes_it(ledger: Services, towns: Towns) -> None:
    county, a, _ = a_year(towns)
    place = Place(county, a)
    towns.record(a, "report_submitted", "R-2024", "2025-01-10", principal=place.head(), year=2024)
    towns.record(a, "report_accepted", "R-2024", "2025-01-15", principal=place.officer())
    listed = ledger.publications.published(place.auditor(), county=county)
    (entry,) = [e for e in listed if e["kind"] == "report"]
    assert (entry["township"], entry["period"]) == (a, "2024")
    # The township's head reads the publication of its own report.
    published = ledger.publications.publication(place.head(), publication_id=entry["id"])
    document = json.loads(published)
    assert document["figures"]["report"]["status"] == "accepted"
    assert document["figures"]["disputes"]["registered"] == 3
    assert document["figures"]["rates"]["mediation_success"]["value"] == "0.666700"
    assert set(document["chain_heads"]) == {a}
    towns.record(a, "dispute_registered", "D-9", "2024-12-01", source="other", category="劳动")
    assert ledger.publications.publication(place.head(), publication_id=entry["id"]) == published
