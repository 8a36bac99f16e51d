"""Who may record and read what (DOMAIN.md's roles), enforced by the services on every store.

A township a principal may not see is reported exactly as a township that does not exist.
"""

from __future__ import annotations

import json

import pytest

from domain.access import Principal, Role
from domain.errors import Forbidden, NotFound
from services.interchange import ImportRejected
from tests.support import unique

DISPUTE = {"source": "screening", "category": "land"}
NARRATIVE = {"year": 2024, "problems": "人手不足", "next_steps": "加强培训"}


def record(services, principal, township, type_="dispute_registered", fields=None, entry_id=None):
    return services.entries.record(
        principal,
        township=township,
        type=type_,
        entry_id=entry_id or unique("D"),
        occurred_on="2024-03-05",
        fields=DISPUTE if fields is None else fields,
    )


def same_message(theirs: Exception, missing: Exception, township: str, nowhere: str) -> bool:
    return str(theirs).replace(township, "<code>") == str(missing).replace(nowhere, "<code>")


# -- roles ---------------------------------------------------------------------------------


def test_a_clerk_records_in_their_own_township(services, place):
    result = record(services, place.clerk(), place.township)
    assert (result.township, result.status) == (place.township, "recorded")


@pytest.mark.parametrize(
    ("type_", "fields"),
    [("report_narrative", NARRATIVE), ("report_submitted", {"year": 2024})],
)
def test_only_the_head_writes_and_submits_the_report(services, place, type_, fields):
    with pytest.raises(Forbidden) as caught:
        record(services, place.clerk(), place.township, type_, fields)
    assert caught.value.field == "type"
    assert record(services, place.head(), place.township, type_, fields).status == "recorded"


@pytest.mark.parametrize("role", ["officer", "auditor"])
def test_the_county_office_and_auditors_record_nothing_for_a_township(services, place, role):
    principal = getattr(place, role)()
    with pytest.raises(Forbidden):
        record(services, principal, place.township)
    with pytest.raises(Forbidden):
        record(services, principal, place.township, "report_submitted", {"year": 2024})


def test_an_administrator_sees_nothing_inside_a_township(services, place):
    admin = Principal(unique("admin"), Role.ADMIN)
    entry_id = record(services, place.clerk(), place.township).entry_id
    with pytest.raises(NotFound):
        record(services, admin, place.township)
    with pytest.raises(NotFound):
        services.entries.entry(admin, township=place.township, entry_id=entry_id)
    with pytest.raises(NotFound):
        list(services.interchange.export(admin, township=place.township))


def test_another_countys_officer_is_told_the_township_does_not_exist(services, tenants, place):
    stranger = tenants.place().officer()
    nowhere = unique("nowhere")
    with pytest.raises(NotFound) as theirs:
        record(services, stranger, place.township)
    with pytest.raises(NotFound) as missing:
        record(services, stranger, nowhere)
    assert same_message(theirs.value, missing.value, place.township, nowhere)


def test_the_county_office_and_auditors_read_their_countys_entries(services, tenants, place):
    entry_id = record(services, place.clerk(), place.township).entry_id
    for reader in (place.officer(), place.auditor()):
        view = services.entries.entry(reader, township=place.township, entry_id=entry_id)
        assert view.entry_id == entry_id
    stranger = tenants.place().auditor()
    with pytest.raises(NotFound):
        services.entries.entry(stranger, township=place.township, entry_id=entry_id)


# -- one township's clerk and another township -----------------------------------------------


@pytest.fixture
def neighbours(services, tenants):
    """Two townships of one county; the second holds an entry."""
    county = tenants.county()
    ours, theirs = tenants.place(county), tenants.place(county)
    entry_id = record(services, theirs.clerk(), theirs.township).entry_id
    return ours, theirs, entry_id


def test_a_clerk_cannot_record_into_another_township(services, neighbours):
    ours, theirs, _ = neighbours
    nowhere = unique("nowhere")
    for principal in (ours.clerk(), ours.head()):
        with pytest.raises(NotFound) as refused:
            record(services, principal, theirs.township)
        with pytest.raises(NotFound) as missing:
            record(services, principal, nowhere)
        assert refused.value.field == "township"
        assert same_message(refused.value, missing.value, theirs.township, nowhere)


def test_a_clerk_cannot_follow_up_another_townships_entry(services, neighbours):
    ours, theirs, entry_id = neighbours
    with pytest.raises(NotFound):
        services.entries.record(
            ours.clerk(),
            township=theirs.township,
            type="entry_retracted",
            entry_id=entry_id,
            occurred_on="2024-03-06",
            fields={"reason": "not ours"},
        )
    view = services.entries.entry(theirs.clerk(), township=theirs.township, entry_id=entry_id)
    assert not view.retracted


def test_a_clerk_cannot_read_another_townships_entry(services, neighbours):
    ours, theirs, entry_id = neighbours
    nowhere = unique("nowhere")
    with pytest.raises(NotFound) as refused:
        services.entries.entry(ours.clerk(), township=theirs.township, entry_id=entry_id)
    with pytest.raises(NotFound) as missing:
        services.entries.entry(ours.clerk(), township=nowhere, entry_id=entry_id)
    assert same_message(refused.value, missing.value, theirs.township, nowhere)


def test_a_clerk_cannot_export_another_township(services, neighbours):
    ours, theirs, _ = neighbours
    nowhere = unique("nowhere")
    with pytest.raises(NotFound) as refused:
        list(services.interchange.export(ours.clerk(), township=theirs.township))
    with pytest.raises(NotFound) as missing:
        list(services.interchange.export(ours.clerk(), township=nowhere))
    assert same_message(refused.value, missing.value, theirs.township, nowhere)


def test_a_clerk_cannot_import_lines_of_another_township(services, neighbours):
    ours, theirs, _ = neighbours
    nowhere = unique("nowhere")
    lines = [
        json.dumps(
            {
                "township": code,
                "type": "liaison_registered",
                "id": "L-1",
                "occurred_on": "2024-01-02",
            }
        )
        for code in (theirs.township, nowhere)
    ]
    with pytest.raises(ImportRejected) as caught:
        services.interchange.import_lines(ours.clerk(), lines)
    refused, missing = caught.value.errors
    assert (refused.line, refused.field, missing.line) == (1, "township", 2)
    assert refused.message.replace(theirs.township, "<code>") == missing.message.replace(
        nowhere, "<code>"
    )
    exported = services.interchange.export(theirs.clerk(), township=theirs.township)
    assert [line["type"] for line in exported] == ["dispute_registered"]


def test_the_same_entry_id_in_two_townships_names_two_entries(services, neighbours):
    ours, theirs, entry_id = neighbours
    mine = record(services, ours.clerk(), ours.township, entry_id=entry_id, fields=DISPUTE)
    assert mine.status == "recorded"
    for place in (ours, theirs):
        view = services.entries.entry(place.clerk(), township=place.township, entry_id=entry_id)
        assert view.township == place.township
        assert len(view.history) == 1


def retract(services, principal, township, entry_id):
    return services.entries.record(
        principal,
        township=township,
        type="entry_retracted",
        entry_id=entry_id,
        occurred_on="2024-03-06",
        fields={"reason": "登记有误"},
    )


def test_a_clerk_retracts_only_what_a_clerk_records(services, place):
    """Not the head's narrative or submission; and nobody in the township a submission the
    county office answered (accepted, it is published: retracting it would reopen the year)."""
    town, clerk, head = place.township, place.clerk(), place.head()
    record(services, head, town, "report_narrative", NARRATIVE, "N-1")
    record(services, head, town, "report_submitted", {"year": 2024}, "R-1")
    record(services, place.officer(), town, "report_accepted", {}, "R-1")
    headed = record(services, head, town).entry_id  # a dispute: anyone's to retract
    for who, entry_id in ((clerk, "N-1"), (clerk, "R-1"), (head, "R-1")):
        assert not services.entries.entry(who, township=town, entry_id=entry_id).retractable
        with pytest.raises(Forbidden) as caught:
            retract(services, who, town, entry_id)
        assert (caught.value.code, caught.value.field) == ("role.retracts_what_it_records", "id")
    assert services.entries.entry(head, township=town, entry_id="N-1").retractable
    assert retract(services, head, town, "N-1").status == "recorded"
    assert services.entries.entry(clerk, township=town, entry_id=headed).retractable
    assert retract(services, clerk, town, headed).status == "recorded"
    assert not services.entries.entry(clerk, township=town, entry_id=headed).retractable
    history = services.entries.entry(head, township=town, entry_id="R-1").history
    assert [item.type for item in history] == ["report_submitted", "report_accepted"]
