"""What sign-in throttling must hold on any store of failed sign-ins (in memory, SQLite,
PostgreSQL, Redis): guessing is held back, and a stranger cannot lock a user out."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from domain.access import Principal, Role
from domain.errors import NotFound, Throttled
from domain.signin import (
    MAX_FAILURES_PER_CLIENT,
    MAX_FAILURES_PER_PAIR,
    NAME_CEILING,
    SLOWEST,
)
from domain.token import ISSUE_WINDOW, MOST_ISSUED
from services.accounts import Accounts, AttemptStore
from services.tenancy import Tenancy
from tests.support import OPERATOR, PASSWORD, unique


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _accounts(tenancy: Tenancy, store: AttemptStore) -> tuple[Accounts, Clock, str]:
    clock = Clock()
    username = unique("clerk")
    tenancy.add_user(OPERATOR, username=username, password=PASSWORD, role="admin")
    return Accounts(tenancy, store, clock=clock), clock, username


def _fails(accounts: Accounts, username: str, client: str) -> None:
    with pytest.raises(NotFound):
        accounts.sign_in(username=username, password="a wrong guess", client=client)


def _refused(accounts: Accounts, username: str, client: str, password: str = PASSWORD):
    with pytest.raises(Throttled) as refused:
        accounts.sign_in(username=username, password=password, client=client)
    return refused.value


def guessing_from_one_address_is_refused_there_only(tenancy: Tenancy, store: AttemptStore):
    accounts, clock, username = _accounts(tenancy, store)
    stranger, own = unique("203.0.113"), unique("198.51.100")
    for _ in range(MAX_FAILURES_PER_PAIR):
        _fails(accounts, username, stranger)
    refused = _refused(accounts, username, stranger)  # even the right password, from there
    assert refused.code == "signin.throttled" and refused.retry_after > 0
    assert accounts.sign_in(username=username, password=PASSWORD, client=own)
    clock.advance(minutes=16)  # the window has passed
    assert accounts.sign_in(username=username, password=PASSWORD, client=stranger)


def one_address_guessing_many_names_is_refused(tenancy: Tenancy, store: AttemptStore):
    accounts, _, username = _accounts(tenancy, store)
    stranger = unique("203.0.113")
    for n in range(MAX_FAILURES_PER_CLIENT):
        _fails(accounts, f"{username}-{n}", stranger)
    assert _refused(accounts, username, stranger).code == "signin.throttled"
    assert accounts.sign_in(username=username, password=PASSWORD, client=unique("198.51"))


def many_addresses_guessing_one_name_slow_strangers_not_the_user(
    tenancy: Tenancy, store: AttemptStore
):
    accounts, clock, username = _accounts(tenancy, store)
    own = unique("198.51.100")
    assert accounts.sign_in(username=username, password=PASSWORD, client=own)  # familiar now
    for _ in range(NAME_CEILING + 3):  # a botnet: each address guesses once, patiently
        _fails(accounts, username, unique("203.0.113"))
        clock.advance(seconds=SLOWEST.total_seconds())
    _fails(accounts, username, unique("203.0.113"))
    # From an unfamiliar address, even with the right password: wait for the pause.
    slowed = _refused(accounts, username, unique("192.0.2"))
    assert slowed.code == "signin.slowed"
    assert 0 < slowed.retry_after <= SLOWEST.total_seconds()
    # The user at their familiar address is not held back at all.
    assert accounts.sign_in(username=username, password=PASSWORD, client=own)
    # After the pause, one more attempt from anywhere.
    clock.advance(seconds=slowed.retry_after)
    assert accounts.sign_in(username=username, password=PASSWORD, client=unique("192.0.2"))


def tokens_past_the_hours_limit_are_refused_for_that_user_only(
    tenancy: Tenancy, store: AttemptStore
):
    accounts, clock, username = _accounts(tenancy, store)
    user, other = tenancy.principal(username=username), Principal(unique("other"), Role.ADMIN)
    for _ in range(MOST_ISSUED):
        accounts.count_token(user)
        clock.advance(minutes=1)
    with pytest.raises(Throttled) as refused:
        accounts.count_token(user)
    assert refused.value.code == "token.throttled" and refused.value.retry_after > 0
    accounts.count_token(other)  # another user's are counted apart
    clock.advance(minutes=ISSUE_WINDOW.total_seconds() / 60 - MOST_ISSUED + 1)
    accounts.count_token(user)  # the first has left the hour: one more


def parallel_guesses_stop_at_the_limit(tenancy: Tenancy, store: AttemptStore):
    """Many wrong passwords at the same moment (one per thread, as from many workers): the
    check and the count are one step, so no more reach the password check than the limit."""
    accounts, _, username = _accounts(tenancy, store)
    stranger, guesses = unique("203.0.113"), 4 * MAX_FAILURES_PER_PAIR
    start = threading.Barrier(guesses)

    def guess(_: int) -> str:
        start.wait()
        try:
            accounts.sign_in(username=username, password="a wrong guess", client=stranger)
        except (NotFound, Throttled) as refused:
            return type(refused).__name__
        return "signed in"

    with ThreadPoolExecutor(guesses) as pool:
        answers = list(pool.map(guess, range(guesses)))
    assert answers.count("NotFound") == MAX_FAILURES_PER_PAIR
    assert answers.count("Throttled") == guesses - MAX_FAILURES_PER_PAIR


def parallel_tokens_stop_at_the_limit(tenancy: Tenancy, store: AttemptStore):
    accounts, _, username = _accounts(tenancy, store)
    user, asks = tenancy.principal(username=username), MOST_ISSUED + 10
    start = threading.Barrier(asks)

    def ask(_: int) -> bool:
        start.wait()
        try:
            accounts.count_token(user)
        except Throttled:
            return False
        return True

    with ThreadPoolExecutor(asks) as pool:
        assert sum(pool.map(ask, range(asks))) == MOST_ISSUED


def wrong_codes_of_an_enrolled_user_are_failures(tenancy: Tenancy, store: AttemptStore):
    """The second factor is throttled with the password: a wrong code counts, a right
    password without a code does not, and a right code after the limit is refused too."""
    accounts, clock, username = _accounts(tenancy, store)
    principal = tenancy.principal(username=username)
    secret = accounts.offer_enrolment(principal).secret
    accounts.enrol(principal, secret=secret, otp=pyotp.TOTP(secret).at(clock.now))
    clock.advance(seconds=30)
    stranger = unique("203.0.113")
    pending = accounts.sign_in(username=username, password=PASSWORD, client=stranger)
    assert pending.pending == "code"
    for _ in range(MAX_FAILURES_PER_PAIR):
        with pytest.raises(NotFound) as wrong:
            accounts.confirm_code(username=username, otp="000000", client=stranger)
        assert wrong.value.field == "otp"
    with pytest.raises(Throttled):
        accounts.sign_in(
            username=username,
            password=PASSWORD,
            client=stranger,
            otp=pyotp.TOTP(secret).at(clock.now),
        )
    own = unique("198.51.100")
    signed = accounts.sign_in(
        username=username, password=PASSWORD, client=own, otp=pyotp.TOTP(secret).at(clock.now)
    )
    assert signed.pending is None and signed.session_id


CASES = (
    wrong_codes_of_an_enrolled_user_are_failures,
    parallel_guesses_stop_at_the_limit,
    parallel_tokens_stop_at_the_limit,
    guessing_from_one_address_is_refused_there_only,
    one_address_guessing_many_names_is_refused,
    many_addresses_guessing_one_name_slow_strangers_not_the_user,
    tokens_past_the_hours_limit_are_refused_for_that_user_only,
)
