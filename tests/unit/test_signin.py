"""Sign-in throttling on one process's store: guessing is held back per (name, address) and
per address; a name's failures from everywhere only slow unfamiliar addresses down."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.signin import NAME_CEILING, SLOWEST, pause
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
