"""Sign-in throttling on one process's store: guessing is held back per (name, address) and
per address; a name's failures from everywhere only slow unfamiliar addresses down."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import InvalidField
from domain.signin import NAME_CEILING, SLOWEST, check_password, common_passwords, pause
from services.accounts import InMemoryAttempts
from tests.signin_cases import CASES


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_sign_in_throttling(services, case):
    case(services.tenancy, InMemoryAttempts())


def test_the_pause_doubles_past_the_ceiling_up_to_a_minute():
    assert pause(NAME_CEILING) == timedelta(seconds=1)
    assert pause(NAME_CEILING + 1) == timedelta(seconds=2)
    assert pause(NAME_CEILING + 3) == timedelta(seconds=8)
    assert pause(NAME_CEILING + 6) == SLOWEST
    assert pause(10**9) == SLOWEST


@pytest.mark.parametrize(
    "password, code",
    [
        ("short", "password.too_short"),
        ("password1", "password.too_common"),
        ("Iloveyou1", "password.too_common"),
        ("QWERTYUIOP", "password.too_common"),
    ],
)
def test_a_short_or_common_password_is_refused_naming_its_field(password, code):
    with pytest.raises(InvalidField) as refused:
        check_password("new_password", password)
    assert (refused.value.field, refused.value.code) == ("new_password", code)


def test_the_shipped_list_is_thousands_long_and_spares_the_demo_and_test_passwords():
    assert len(common_passwords()) > 5000
    assert "12345678" in common_passwords()
    for kept in ("demo-password", "correct horse battery", "a much newer secret"):
        assert check_password("password", kept) == kept
