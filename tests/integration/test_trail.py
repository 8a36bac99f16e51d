"""The auditor at work: read-only across their county; every export, verification, history
and query as of a moment is recorded, and the county sees who looked at what."""

from __future__ import annotations

import pytest

from domain.errors import Forbidden, NotFound
from domain.trail import AuditTrail, trail_uuid
from services import Services
from tests.integration.conftest import Towns, moment
from tests.integration.tampering import two_disputes
from tests.support import OPERATOR, Place


def test_what_an_auditor_looks_at_is_recorded_for_the_county(ledger: Services, towns: Towns):
    place = towns.place()
    town, county = place.township, place.county
    towns.import_lines(two_disputes(town))
    then = moment()
    auditor = place.auditor()
    ledger.figures.figures(auditor, township=town, period="2024", as_of=then)
    ledger.rankings.ranking(auditor, county=county, period="2024", as_of=then)
    ledger.history.entry(auditor, township=town, entry_id="D-1")
    assert ledger.verifier.verify(auditor).ok
    ledger.audit_export.townships(auditor, township=town)
    # The county office, and the operator, looking at the same are not auditors: not recorded.
    ledger.figures.figures(place.officer(), township=town, period="2024", as_of=then)
    ledger.figures.figures(auditor, township=town, period="2024")  # today: not an as-of query
    looks = ledger.trail.looks(place.officer(), county=county)
    assert [(look["actor"], look["action"], look["subject"]) for look in looks] == [
        (auditor.username, f"figures of 2024 as of {_z(then)}", town),
        (auditor.username, f"ranking of 2024 as of {_z(then)}", county),
        (auditor.username, "history of entry D-1", town),
        (auditor.username, "verification", county),
        (auditor.username, "export", town),
    ]
    assert all(look["at"].endswith("Z") for look in looks)


def test_an_auditor_records_nothing_and_sees_no_other_county(ledger: Services, towns: Towns):
    place = towns.place()
    auditor = place.auditor()
    with pytest.raises(Forbidden):
        ledger.entries.record(
            auditor,
            township=place.township,
            type="dispute_registered",
            entry_id="D-1",
            occurred_on="2024-03-01",
            fields={"source": "other", "category": "劳动"},
        )
    elsewhere = towns.place()
    with pytest.raises(NotFound):
        ledger.history.entry(auditor, township=elsewhere.township, entry_id="D-1")
    with pytest.raises(NotFound):
        ledger.trail.looks(auditor, county=elsewhere.county)
    with pytest.raises(NotFound):
        ledger.audit_export.townships(auditor, county=elsewhere.county)
    assert ledger.trail.looks(OPERATOR, county=elsewhere.county) == []
    assert ledger.trail.looks(Place(place.county, "").officer(), county=place.county) == []


def _z(moment_) -> str:
    return moment_.isoformat().replace("+00:00", "Z")


def test_a_look_that_lost_its_place_to_another_is_recorded_after_it(
    ledger: Services, towns: Towns, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look is appended without replaying the trail (its last version read, the next one
    taken): when another look took that version first, it is made again after it."""
    place = towns.place()
    auditor = place.auditor()
    ledger.trail.note(auditor, county=place.county, action="first", subject=place.county)
    select = ledger.app.recorder.select_events
    stale = select(trail_uuid(place.county), desc=True, limit=1)
    calls = []

    def raced(originator_id, **kwargs):
        calls.append(originator_id)
        if len(calls) == 1:  # another auditor's look lands between the read and the save
            ledger.app.save(_next(place.county, stale[0].originator_version, "meanwhile"))
            return stale
        return select(originator_id, **kwargs)

    monkeypatch.setattr(ledger.app.recorder, "select_events", raced)
    ledger.trail.note(auditor, county=place.county, action="second", subject=place.county)
    monkeypatch.undo()
    looks = ledger.trail.looks(place.officer(), county=place.county)
    assert [look["action"] for look in looks] == ["first", "meanwhile", "second"]
    assert len(calls) == 2


def _next(county: str, version: int, action: str) -> AuditTrail.Looked:
    return AuditTrail.next_look(county, after=version, actor="other", action=action, subject=county)
