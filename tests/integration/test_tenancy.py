"""Counties, townships and users on every store: codes and usernames are taken once (the
store's unique key), and a user's password hash is stored and read back."""

from __future__ import annotations

import pytest

from domain.access import Principal, Role
from domain.errors import AlreadyExists
from domain.tenancy import user_uuid
from tests.support import OPERATOR, PASSWORD, unique


def test_a_county_code_is_taken_once(services, tenants):
    county = tenants.county()
    with pytest.raises(AlreadyExists) as caught:
        services.tenancy.add_county(OPERATOR, code=county, name="another")
    assert caught.value.field == "code"


def test_a_township_code_is_taken_once_across_counties(services, tenants):
    place = tenants.place()
    other_county = tenants.county()
    for county in (place.county, other_county):
        with pytest.raises(AlreadyExists) as caught:
            services.tenancy.add_township(OPERATOR, county=county, code=place.township, name="x")
        assert caught.value.field == "code"
    assert services.tenancy.county(OPERATOR, other_county).townships == ()


def test_a_username_is_taken_once(services, place):
    username = unique("clerk")
    add = services.tenancy.add_user
    add(OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township)
    with pytest.raises(AlreadyExists) as caught:
        add(OPERATOR, username=username, password=PASSWORD, role="auditor", county=place.county)
    assert caught.value.field == "username"


def test_passwords_are_stored_as_argon2id_hashes(services, place):
    username = unique("clerk")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="clerk", township=place.township
    )
    stored = services.app.repository.get(user_uuid(username)).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_a_user_signs_in_with_their_password(services, place):
    username = unique("head")
    services.tenancy.add_user(
        OPERATOR, username=username, password=PASSWORD, role="head", township=place.township
    )
    principal = services.tenancy.authenticate(username=username, password=PASSWORD)
    assert principal == Principal(username, Role.HEAD, township=place.township)
