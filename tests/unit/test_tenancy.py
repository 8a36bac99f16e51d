"""Counties, townships and users through the services (on the in-memory store; what the
stores answer runs on every store in tests/integration/test_tenancy.py)."""

from __future__ import annotations

import pytest

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidField, NotFound
from tests.support import OPERATOR, PASSWORD, unique


def test_an_operator_adds_a_county_with_its_townships(services):
    tenancy = services.tenancy
    county, first, second = unique("county"), unique("town"), unique("town")
    added = tenancy.add_county(OPERATOR, code=county, name="巩留县")
    tenancy.add_township(OPERATOR, county=county, code=first, name="巩留镇")
    township = tenancy.add_township(OPERATOR, county=county, code=second, name="阿尕尔森镇")
    assert (added.code, added.name) == (county, "巩留县")
    assert (township.code, township.name, township.county) == (second, "阿尕尔森镇", county)
    assert tenancy.county(OPERATOR, county).townships == (first, second)
    assert tenancy.township(OPERATOR, second).county == county


def test_a_township_needs_an_existing_county(services):
    with pytest.raises(NotFound) as caught:
        services.tenancy.add_township(
            OPERATOR, county=unique("nowhere"), code=unique("t"), name="x"
        )
    assert caught.value.field == "county"


@pytest.mark.parametrize("code", ["", "has space", "镇", "a/b", "x" * 65])
def test_codes_are_short_plain_identifiers(services, code):
    with pytest.raises(InvalidField) as caught:
        services.tenancy.add_county(OPERATOR, code=code, name="x")
    assert caught.value.field == "code"


@pytest.mark.parametrize(
    ("role", "scope", "field"),
    [
        ("clerk", {}, "township"),
        ("head", {"county": "c"}, "township"),
        ("county_officer", {}, "county"),
        ("auditor", {"township": "t"}, "county"),
        ("admin", {"county": "c"}, "role"),
        ("mayor", {}, "role"),
    ],
)
def test_a_user_belongs_where_the_role_says(services, role, scope, field):
    with pytest.raises(InvalidField) as caught:
        services.tenancy.add_user(
            OPERATOR, username=unique("u"), password=PASSWORD, role=role, **scope
        )
    assert caught.value.field == field


def test_a_user_of_a_missing_township_or_county_is_refused(services):
    add = services.tenancy.add_user
    with pytest.raises(NotFound) as caught:
        add(OPERATOR, username=unique("u"), password=PASSWORD, role="clerk", township="nope-x")
    assert caught.value.field == "township"
    with pytest.raises(NotFound) as caught:
        add(OPERATOR, username=unique("u"), password=PASSWORD, role="auditor", county="nope-x")
    assert caught.value.field == "county"


def test_a_short_password_is_refused(services, place):
    with pytest.raises(InvalidField) as caught:
        services.tenancy.add_user(
            OPERATOR, username=unique("u"), password="short", role="clerk", township=place.township
        )
    assert caught.value.field == "password"


def test_a_wrong_password_and_an_unknown_user_are_told_apart_by_nothing(services, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    with pytest.raises(NotFound) as wrong:
        services.tenancy.authenticate(username=username, password=PASSWORD + "!")
    with pytest.raises(NotFound) as unknown:
        services.tenancy.authenticate(username=unique("ghost"), password=PASSWORD)
    assert str(wrong.value) == str(unknown.value)


def test_an_administrator_adds_counties_townships_and_users(services):
    admin_name = unique("admin")
    services.tenancy.add_user(OPERATOR, username=admin_name, password=PASSWORD, role="admin")
    admin = services.tenancy.authenticate(username=admin_name, password=PASSWORD)
    county, township = unique("county"), unique("town")
    services.tenancy.add_county(admin, code=county, name="县")
    services.tenancy.add_township(admin, county=county, code=township, name="镇")
    clerk = services.tenancy.add_user(
        admin, username=unique("clerk"), password=PASSWORD, role="clerk", township=township
    )
    officer = services.tenancy.add_user(
        admin, username=unique("officer"), password=PASSWORD, role="county_officer", county=county
    )
    assert (clerk.township, officer.county) == (township, county)


@pytest.mark.parametrize("role", ["clerk", "head", "auditor"])
def test_only_an_administrator_administers(services, place, role):
    """(A county officer administers their own county: tests/integration/
    test_administration.py.)"""
    scope = {"township": place.township} if role in ("clerk", "head") else {"county": place.county}
    principal = Principal(unique(role), Role(role), **scope)
    with pytest.raises(Forbidden):
        services.tenancy.add_county(principal, code=unique("county"), name="x")
    with pytest.raises(Forbidden):
        services.tenancy.add_township(principal, county=place.county, code=unique("t"), name="x")
    with pytest.raises(Forbidden):
        services.tenancy.add_user(
            principal, username=unique("u"), password=PASSWORD, role="clerk", **scope
        )
