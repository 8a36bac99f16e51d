"""Administering counties, townships and people (services/administration.py) on every store:
rights and tenancy, one-time passwords, disabling that ends sessions and tokens, rights as
ledger events (who held what when; ``verify`` names a tampered one)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidField, NotFound, RuleBroken
from domain.tenancy import user_uuid
from services.interchange import ImportRejected
from tests.support import OPERATOR, PASSWORD, unique

NEW_PASSWORD = "a brand new passphrase"


def officer_of(services, county: str) -> tuple[Principal, str]:
    """A county officer added by an administrator, with their one-time password."""
    admin = services.tenancy.add_user(
        OPERATOR, username=unique("admin"), password=PASSWORD, role="admin"
    )
    admin = Principal(admin.username, Role.ADMIN)
    made = services.administration.add_user(
        admin, username=unique("officer"), role="county_officer", county=county
    )
    return Principal(made.username, Role.COUNTY_OFFICER, county=county), made.one_time_password


def test_a_county_goes_from_nothing_to_a_clerk_recording(services):
    admin_name = unique("admin")
    services.tenancy.add_user(OPERATOR, username=admin_name, password=PASSWORD, role="admin")
    admin = services.tenancy.authenticate(username=admin_name, password=PASSWORD)
    county = unique("county")
    services.administration.add_county(admin, code=county, name="新县")
    made = services.administration.add_user(
        admin, username=unique("officer"), role="county_officer", county=county
    )
    signed = services.accounts.sign_in(
        username=made.username, password=made.one_time_password, client="t"
    )
    assert signed.must_change_password
    officer = signed.principal
    services.accounts.change_password(officer, current=made.one_time_password, new=NEW_PASSWORD)
    township = unique("town")
    services.administration.add_township(officer, county=county, code=township, name="新镇")
    clerk_made = services.administration.add_user(
        officer, username=unique("clerk"), role="clerk", township=township
    )
    clerk = services.accounts.sign_in(
        username=clerk_made.username, password=clerk_made.one_time_password, client="t"
    ).principal
    services.accounts.change_password(clerk, current=clerk_made.one_time_password, new=NEW_PASSWORD)
    services.entries.record(
        clerk,
        township=township,
        type="dispute_registered",
        entry_id="D-1",
        occurred_on="2024-03-01",
        fields={"source": "screening", "category": "邻里"},
    )
    people = services.administration.users(officer, county=county)
    assert [(p.username, p.role, p.township, p.disabled) for p in people] == [
        (made.username, "county_officer", None, False),
        (clerk_made.username, "clerk", township, False),
    ]


def test_a_one_time_password_gets_no_token(services, place):
    officer, _ = officer_of(services, place.county)
    made = services.administration.add_user(
        officer, username=unique("clerk"), role="clerk", township=place.township
    )
    with pytest.raises(Forbidden) as caught:
        services.tokens.issue(username=made.username, password=made.one_time_password)
    assert caught.value.code == "password.change_required"
    services.accounts.change_own_password(
        username=made.username, password=made.one_time_password, new=NEW_PASSWORD, client="t"
    )
    assert services.tokens.issue(username=made.username, password=NEW_PASSWORD).token


def test_disabling_ends_sessions_and_tokens_and_sign_in(services, place):
    officer, _ = officer_of(services, place.county)
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    signed = services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    token = services.tokens.issue(username=username, password=PASSWORD).token
    services.tokens.principal(token)
    services.administration.disable(officer, username=username)
    assert (
        services.accounts.session(
            username=username, version=signed.session_version, session_id=signed.session_id
        )
        is None
    )
    with pytest.raises(Exception) as refused:
        services.tokens.principal(token)
    assert type(refused.value).__name__ == "Unauthenticated"
    with pytest.raises(Forbidden) as caught:
        services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    assert caught.value.code == "signin.disabled"
    services.administration.enable(officer, username=username)
    services.accounts.sign_in(username=username, password=PASSWORD, client="t")


def test_a_reset_gives_a_one_time_password_and_ends_the_old(services, place):
    officer, _ = officer_of(services, place.county)
    username = unique("head")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="head", township=place.township
    )
    token = services.tokens.issue(username=username, password=PASSWORD).token
    reset = services.administration.reset_password(officer, username=username)
    with pytest.raises(Exception) as wrong:
        services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    assert type(wrong.value).__name__ == "NotFound"
    with pytest.raises(Exception) as refused:
        services.tokens.principal(token)
    assert type(refused.value).__name__ == "Unauthenticated"
    signed = services.accounts.sign_in(
        username=username, password=reset.one_time_password, client="t"
    )
    assert signed.must_change_password


def test_another_countys_people_and_townships_are_not_found(services, tenants, place):
    officer, _ = officer_of(services, place.county)
    far = tenants.place()
    far_user = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=far_user, password=PASSWORD, role="clerk", township=far.township
    )
    admin = services.administration
    for attempt in (
        lambda: admin.disable(officer, username=far_user),
        lambda: admin.reset_password(officer, username=far_user),
        lambda: admin.users(officer, county=far.county),
        lambda: admin.rename_township(officer, township=far.township, name="x"),
        lambda: admin.add_township(officer, county=far.county, code=unique("t"), name="x"),
        lambda: admin.add_user(officer, username=unique("c"), role="clerk", township=far.township),
        lambda: admin.disable(officer, username=unique("nobody")),
    ):
        with pytest.raises(NotFound):
            attempt()


def test_a_clerk_administers_nothing_and_an_officer_no_officer(services, place):
    officer, _ = officer_of(services, place.county)
    clerk = place.clerk()
    admin = services.administration
    for attempt in (
        lambda: admin.users(clerk, county=place.county),
        lambda: admin.add_township(clerk, county=place.county, code=unique("t"), name="x"),
        lambda: admin.add_county(officer, code=unique("c"), name="x"),
        lambda: admin.add_user(
            officer, username=unique("o"), role="county_officer", county=place.county
        ),
        lambda: admin.suspend_county(officer, county=place.county),
    ):
        with pytest.raises(Forbidden):
            attempt()


def test_a_user_stays_in_their_county(services, tenants, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    other = tenants.township(place.county)
    moved = services.administration.change_role(
        OPERATOR, username=username, role="head", township=other
    )
    assert (moved.role, moved.township) == ("head", other)
    with pytest.raises(RuleBroken):
        services.administration.change_role(
            OPERATOR, username=username, role="clerk", township=tenants.place().township
        )
    with pytest.raises(InvalidField):
        services.administration.change_role(
            OPERATOR, username=username, role="clerk", county=place.county
        )


def test_a_suspended_countys_people_cannot_sign_in(services, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    signed = services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    token = services.tokens.issue(username=username, password=PASSWORD).token
    view = services.administration.suspend_county(OPERATOR, county=place.county)
    assert view.suspended
    with pytest.raises(Exception) as refused:
        services.tokens.principal(token)
    assert type(refused.value).__name__ == "Unauthenticated"
    with pytest.raises(Forbidden):
        services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    assert (
        services.accounts.session(
            username=username, version=signed.session_version, session_id=signed.session_id
        )
        is None
    )
    services.administration.reinstate_county(OPERATOR, county=place.county)
    services.accounts.sign_in(username=username, password=PASSWORD, client="t")
    renamed = services.administration.rename_county(OPERATOR, county=place.county, name="改名县")
    assert renamed.name == "改名县"


def test_who_held_which_role_at_a_moment(services, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    as_clerk = datetime.now(UTC)
    services.administration.change_role(
        OPERATOR, username=username, role="head", township=place.township
    )
    services.administration.disable(OPERATOR, username=username)
    then = services.administration.held_at(OPERATOR, county=place.county, moment=as_clerk)
    assert [(p.username, p.role, p.disabled) for p in then] == [(username, "clerk", False)]
    now = services.administration.held_at(OPERATOR, county=place.county, moment=datetime.now(UTC))
    assert [(p.username, p.role, p.disabled) for p in now] == [(username, "head", True)]
    before = datetime(2000, 1, 1, tzinfo=UTC)
    assert services.administration.held_at(OPERATOR, county=place.county, moment=before) == []


def test_every_rights_event_names_who_made_it(services, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    services.administration.disable(OPERATOR, username=username)
    events = list(services.app.events.get(user_uuid(username)))
    assert [(type(e).__name__, e.by) for e in events] == [
        ("Added", "operator"),
        ("Disabled", "operator"),
    ]


def test_an_entrys_history_says_whether_its_recorder_held_the_right(services, tenants, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    clerk = services.tenancy.principal(username=username)
    dispute = {"source": "screening", "category": "邻里"}
    record = services.entries.record
    record(clerk, township=place.township, type="dispute_registered", entry_id="D-1",
           occurred_on="2024-03-01", fields=dispute)  # fmt: skip
    # Recorded in another township under the clerk's name (as a forged principal would).
    elsewhere = tenants.township(place.county)
    forged = Principal(username, Role.CLERK, township=elsewhere)
    record(forged, township=elsewhere, type="dispute_registered", entry_id="D-2",
           occurred_on="2024-03-01", fields=dispute)  # fmt: skip
    # Then the clerk becomes the county's auditor: what they recorded as clerk still held.
    services.administration.change_role(
        OPERATOR, username=username, role="auditor", county=place.county
    )
    services.read_model.refresh()
    history = services.history.entry
    held = history(OPERATOR, township=place.township, entry_id="D-1")["events"]
    assert [e["recorder_held_right"] for e in held] == [True]
    forged_events = history(OPERATOR, township=elsewhere, entry_id="D-2")["events"]
    assert [e["recorder_held_right"] for e in forged_events] == [False]
    services.entries.record(OPERATOR, township=place.township, type="dispute_registered",
                            entry_id="D-3", occurred_on="2024-03-01", fields=dispute)  # fmt: skip
    services.read_model.refresh()
    by_operator = history(OPERATOR, township=place.township, entry_id="D-3")["events"]
    assert [e["recorder_held_right"] for e in by_operator] == [None]


def test_the_countys_changes_of_rights_name_who_and_what(services, place):
    officer, _ = officer_of(services, place.county)
    made = services.administration.add_user(
        officer, username=unique("clerk"), role="clerk", township=place.township
    )
    services.administration.disable(officer, username=made.username)
    services.administration.rename_township(officer, township=place.township, name="新名镇")
    changes = services.administration.changes(place.auditor(), county=place.county)
    shown = [(c["kind"], c["subject"], c["by"]) for c in changes]
    assert shown == [
        ("township_added", place.township, "operator"),
        ("user_added", officer.username, shown[1][2]),
        ("user_added", made.username, officer.username),
        ("user_disabled", made.username, officer.username),
        ("township_renamed", place.township, officer.username),
    ]
    assert changes[-1]["name"] == "新名镇"
    with pytest.raises(NotFound):
        services.administration.changes(place.auditor(), county=unique("county"))


def test_onboarding_creates_every_row_or_none(services, tenants, place):
    officer, _ = officer_of(services, place.county)
    far = tenants.place()
    new_town = unique("town")
    taken = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=taken, password=PASSWORD, role="clerk", township=place.township
    )
    before = services.app.recorder.max_notification_id()
    with pytest.raises(ImportRejected) as refused:
        services.administration.onboard(
            officer,
            county=place.county,
            townships=[(2, new_town, "新镇"), (3, "Bad Code", "x"), (4, new_town, "again")],
            users=[
                (2, unique("clerk"), "clerk", new_town),
                (3, taken, "clerk", place.township),
                (4, unique("head"), "sheriff", place.township),
                (5, unique("head"), "head", far.township),
                (6, unique("officer"), "county_officer", None),
                (7, unique("auditor"), "auditor", place.township),
            ],
        )
    found = [(e.sheet, e.line, e.field) for e in refused.value.errors]
    assert found == [
        ("townships", 3, "code"),
        ("townships", 4, "code"),
        ("people", 3, "username"),
        ("people", 4, "role"),
        ("people", 5, "township"),
        ("people", 6, "role"),
        ("people", 7, "township"),
    ]
    assert services.app.recorder.max_notification_id() == before
    clerk, auditor = unique("clerk"), unique("auditor")
    issued = services.administration.onboard(
        officer,
        county=place.county,
        townships=[(2, new_town, "新镇")],
        users=[(2, clerk, "clerk", new_town), (3, auditor, "auditor", None)],
    )
    assert [i.username for i in issued] == [clerk, auditor]
    signed = services.accounts.sign_in(
        username=clerk, password=issued[0].one_time_password, client="t"
    )
    assert signed.must_change_password and signed.principal.township == new_town
    assert new_town in services.tenancy.county(OPERATOR, place.county).townships
