"""Administering the installation on the web and the API: counties (the administrator's),
townships and people (the administrator's and each county officer's, of their own county).

Every change is an event of the ledger naming who made it (domain/tenancy.py), linked into its
county's rights chain (services/rights.py). Another county's township or user is "not found",
as one that does not exist; a role that administers nothing is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from domain import values
from domain.access import Principal, Role
from domain.errors import (
    AlreadyExists,
    Forbidden,
    InvalidField,
    LedgerError,
    NotFound,
    RuleBroken,
)
from domain.messages import Message
from domain.moments import parse_moment, stamp
from domain.rights import INSTALLATION, rights_chain_uuid
from domain.tenancy import County, Township, User, county_uuid, township_uuid, user_uuid
from services.interchange import ImportRejected
from services.tenancy import (
    OFFICER_GRANTS,
    CountyView,
    Tenancy,
    TownshipView,
    UserView,
    administers_county,
    check_administers_county,
    check_grants,
)

MOST_ONBOARDED = 1_000  # townships and users one workbook creates
TOWNSHIPS, PEOPLE = "townships", "people"  # the onboarding workbook's sheets, as errors name them
# A one-time password: 16 letters and digits, none that reads as another (0/O, 1/l/I).
ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ONE_TIME_LENGTH = 16


@dataclass(frozen=True)
class Person:
    username: str
    role: str
    county: str | None
    township: str | None
    disabled: bool
    must_change_password: bool = False

    def document(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "role": self.role,
            "county": self.county,
            "township": self.township,
            "disabled": self.disabled,
        }


@dataclass(frozen=True)
class RowError:
    """A bad row of an onboarding workbook: its sheet, row, field and what is wrong."""

    sheet: str
    line: int  # the sheet's row
    field: str | None
    message: str  # in English
    said: Message | None = None

    @classmethod
    def of(cls, sheet: str, row: int, error: LedgerError) -> RowError:
        return cls(sheet, row, error.field, error.message, error.said)


@dataclass(frozen=True)
class NewPassword:
    username: str
    one_time_password: str


def one_time_password() -> str:
    return "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(ONE_TIME_LENGTH))


class Administration:
    def __init__(
        self, tenancy: Tenancy, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.tenancy = tenancy
        self.app = tenancy.app
        self.clock = clock

    # -- counties (the administrator's) -----------------------------------------------------

    def add_county(self, principal: Principal, *, code: str, name: str) -> CountyView:
        return self.tenancy.add_county(principal, code=code, name=name)

    def rename_county(self, principal: Principal, *, county: str, name: str) -> CountyView:
        found = self._county(principal, county)
        found.rename(name=name, by=principal.username)
        return self._save_county(found)

    def suspend_county(self, principal: Principal, *, county: str) -> CountyView:
        """Its people can no longer sign in (their sessions end); its records stay."""
        found = self._county(principal, county)
        if found.suspended:
            return self._save_county(found)
        found.suspend(by=principal.username)
        # Their tokens stop too (a token's next use checks its user, not the county).
        people = self._users(found.code)
        for user in people:
            user.revoke_tokens()
        self.tenancy.rights.save(INSTALLATION, found, *people)
        return self.tenancy.county(Principal.operator(), found.code)

    def reinstate_county(self, principal: Principal, *, county: str) -> CountyView:
        found = self._county(principal, county)
        found.reinstate(by=principal.username)
        return self._save_county(found)

    def _county(self, principal: Principal, code: str) -> County:
        principal.check_administers()
        values.code_text("county", code)
        return self.tenancy.record(
            county_uuid(code), NotFound("county.not_found", field="county", code=code)
        )

    def _save_county(self, county: County) -> CountyView:
        self.tenancy.rights.save(INSTALLATION, county)
        return self.tenancy.county(Principal.operator(), county.code)

    # -- townships --------------------------------------------------------------------------

    def add_township(
        self, principal: Principal, *, county: str, code: str, name: str
    ) -> TownshipView:
        return self.tenancy.add_township(principal, county=county, code=code, name=name)

    def rename_township(self, principal: Principal, *, township: str, name: str) -> TownshipView:
        check_administers_county(principal)
        values.code_text("township", township)
        missing = NotFound("township.not_found", field="township", code=township)
        found: Township = self.tenancy.record(township_uuid(township), missing)
        if not administers_county(principal, found.county):
            raise missing
        found.rename(name=name, by=principal.username)
        self.tenancy.rights.save(found.county, found)
        return self.tenancy.township_view(found)

    def county(self, principal: Principal, *, county: str) -> CountyView:
        """The county, for whoever administers it (another county's: not found)."""
        return self._administered_county(principal, county)

    def townships(self, principal: Principal, *, county: str) -> list[TownshipView]:
        view = self._administered_county(principal, county)
        return self.tenancy.known_townships(view.townships)

    # -- people -----------------------------------------------------------------------------

    def add_user(
        self,
        principal: Principal,
        *,
        username: str,
        role: str,
        county: str | None = None,
        township: str | None = None,
    ) -> NewPassword:
        """A new user with a one-time password (shown once: the ledger keeps its hash)."""
        password = one_time_password()
        view = self.tenancy.add_user(
            principal,
            username=username,
            password=password,
            role=role,
            county=county,
            township=township,
            one_time=True,
        )
        return NewPassword(view.username, password)

    def disable(self, principal: Principal, *, username: str) -> Person:
        """The user can no longer sign in; their sessions and tokens stop at their next
        request, in every process (each checks the user's record)."""
        user, scope = self._administered_user(principal, username)
        user.disable(by=principal.username)
        self.tenancy.rights.save(scope, user)
        return _person(user)

    def enable(self, principal: Principal, *, username: str) -> Person:
        user, scope = self._administered_user(principal, username)
        user.enable(by=principal.username)
        self.tenancy.rights.save(scope, user)
        return _person(user)

    def reset_password(self, principal: Principal, *, username: str) -> NewPassword:
        """A one-time password for the user (their sessions and tokens end)."""
        user, scope = self._administered_user(principal, username)
        password = one_time_password()
        user.reset_password(password_hash=self.tenancy.hasher.hash(password), by=principal.username)
        self.tenancy.rights.save(scope, user)
        return NewPassword(user.username, password)

    def change_role(
        self,
        principal: Principal,
        *,
        username: str,
        role: str,
        county: str | None = None,
        township: str | None = None,
    ) -> Person:
        """Another role or place for the user, within the principal's county (a county
        officer's) or anywhere (the administrator's)."""
        user, scope = self._administered_user(principal, username)
        User.check(username=user.username, role=role, county=county, township=township)
        check_grants(principal, role)
        new_scope = self.tenancy.place_of(principal, county=county, township=township)
        if new_scope != scope:
            raise RuleBroken("user.moves_county", field="county" if county else "township")
        user.change_role(role=role, county=county, township=township, by=principal.username)
        self.tenancy.rights.save(scope, user)
        return _person(user)

    def users(self, principal: Principal, *, county: str) -> list[Person]:
        """The users of the county and its townships, in the order they were added."""
        view = self._administered_county(principal, county)
        return [_person(u) for u in self._users(view.code)]

    def held_at(self, principal: Principal, *, county: str, moment: Any) -> list[Person]:
        """Who held which role where in the county at ``moment`` (as the ledger recorded it
        then), for the county's officers, auditors and the administrator."""
        view = self._rights_reader(principal, county)
        at = parse_moment(moment, field="at")
        if at is None:
            raise InvalidField("at", "field.required")
        found = []
        for current in self._users(view.code):
            then = self.tenancy.rights.user_at(current.username, at)
            if then is not None and self._county_of(then) == view.code:
                found.append(_person(then))
        return found

    def changes(self, principal: Principal, *, county: str) -> list[dict[str, Any]]:
        """Every change of rights in the county recorded in its rights chain, oldest first:
        when, by whom, what (``kind``), of whom or what (``subject``) and what it set."""
        view = self._rights_reader(principal, county)
        found, names = [], {}
        for link in self.app.events.get(rights_chain_uuid(view.code)):
            for aggregate_id, _topic, version, _digest in getattr(link, "covered", ()):
                key = UUID(aggregate_id)
                if key not in names:
                    held = self.app.repository.get(key)
                    names[key] = getattr(held, "username", None) or held.code
                for event in self.app.events.get(key, gt=version - 1, lte=version):
                    found.append(_change(event, names[key]))
        return found

    def onboard(
        self,
        principal: Principal,
        *,
        county: str,
        townships: Sequence[tuple[int, Any, Any]] = (),
        users: Sequence[tuple[int, Any, Any, Any]] = (),
    ) -> list[NewPassword]:
        """Townships ``(row, code, name)`` and users ``(row, username, role, township)`` of
        the county, every row checked first: any bad row (each named with its sheet, row and
        field) and nothing is created; else all are created in one transaction, each user
        with a one-time password (returned, shown once)."""
        parent = self._county(
            Principal.operator(), self._administered_county(principal, county).code
        )
        if len(townships) + len(users) > MOST_ONBOARDED:
            raise InvalidField("file", "onboarding.too_many", most=MOST_ONBOARDED)
        errors: list[RowError] = []
        made: list[Township] = []
        for row, code, name in townships:
            try:
                township = Township.add(
                    county=parent.code, code=code, name=name, by=principal.username
                )
                if self.tenancy.exists(township.id) or township.code in {t.code for t in made}:
                    raise AlreadyExists("township.exists", field="code", code=township.code)
                made.append(township)
            except LedgerError as error:
                errors.append(RowError.of(TOWNSHIPS, row, error))
        new_codes = {t.code for t in made}
        people: list[tuple[str, str, str | None, str | None]] = []
        for row, username, role, township in users:
            try:
                people.append(self._checked_user(principal, parent.code, new_codes, people,
                                                 username, role, township))  # fmt: skip
            except LedgerError as error:
                errors.append(RowError.of(PEOPLE, row, error))
        if errors:
            raise ImportRejected(errors)
        issued, accounts = [], []
        for username, role, place_county, township in people:
            password = one_time_password()
            accounts.append(
                User.add(
                    username=username,
                    role=role,
                    password_hash=self.tenancy.hasher.hash(password),
                    county=place_county,
                    township=township,
                    by=principal.username,
                    one_time=True,
                )
            )
            issued.append(NewPassword(username, password))
        for township in made:
            parent.include(township.code)
        self.tenancy.rights.save(parent.code, parent, *made, *accounts)
        return issued

    def _checked_user(
        self,
        principal: Principal,
        county: str,
        new_townships: set[str],
        earlier: list[tuple[str, str, str | None, str | None]],
        username: Any,
        role: Any,
        township: Any,
    ) -> tuple[str, str, str | None, str | None]:
        values.code("username", username)
        values.choice("role", role, sorted(OFFICER_GRANTS))
        check_grants(principal, role)
        place_county, place_township = (county, None) if role == Role.AUDITOR else (None, township)
        if role == Role.AUDITOR and township not in (None, ""):
            raise InvalidField("township", "user.needs_county", role=role)
        User.check(username=username, role=role, county=place_county, township=place_township)
        if place_township is not None and place_township not in new_townships:
            self.tenancy.place_of(principal, county=None, township=place_township)
            if self.tenancy.county_of_township(place_township) != county:
                raise NotFound("township.not_found", field="township", code=place_township)
        if self.tenancy.exists(user_uuid(username)) or username in {e[0] for e in earlier}:
            raise AlreadyExists("user.exists", field="username", username=username)
        return username, role, place_county, place_township

    # -- helpers ----------------------------------------------------------------------------

    def _rights_reader(self, principal: Principal, county: str) -> CountyView:
        """The county, for its auditors, officers and the administrator."""
        if principal.role is Role.AUDITOR:
            return self.tenancy.county(principal, county)  # another county's: not found
        return self._administered_county(principal, county)

    def _administered_county(self, principal: Principal, county: str) -> CountyView:
        check_administers_county(principal)
        values.code_text("county", county)
        if not administers_county(principal, county):
            raise NotFound("county.not_found", field="county", code=county)
        return self.tenancy.county(Principal.operator(), county)

    def _administered_user(self, principal: Principal, username: str) -> tuple[User, str]:
        """The user and their county (the installation's scope: none), if the principal
        administers them; another county's is "not found"."""
        check_administers_county(principal)
        values.code_text("username", username)
        missing = NotFound("user.not_found", field="username", username=username)
        user: User = self.tenancy.record(user_uuid(username), missing)
        county = self._county_of(user)
        if county is None:
            if principal.role not in (Role.ADMIN, Role.OPERATOR):
                raise missing
            scope = INSTALLATION
        else:
            if not administers_county(principal, county):
                raise missing
            scope = county
        if user.username == principal.username:
            raise Forbidden("user.self", field="username")
        if principal.role is Role.COUNTY_OFFICER and user.role not in (
            Role.CLERK,
            Role.HEAD,
            Role.AUDITOR,
        ):
            raise Forbidden("role.officer_administers", field="username")
        return user, scope

    def _county_of(self, user: User) -> str | None:
        if user.county is not None:
            return user.county
        if user.township is None:
            return None
        return self.tenancy.known_township(user.township).county

    def _users(self, county: str) -> list[User]:
        """The users of the county and its townships, in the order they were added (those its
        rights chain covers)."""
        keys = self.tenancy.rights.covered_of(county, User)
        users = (self.app.repository.get(key) for key in keys)
        return [u for u in users if self._county_of(u) == county]


# What each rights event is called (``kind``), by its class.
KINDS = {
    County.Added: "county_added",
    County.Renamed: "county_renamed",
    County.Suspended: "county_suspended",
    County.Reinstated: "county_reinstated",
    Township.Added: "township_added",
    Township.Renamed: "township_renamed",
    User.Added: "user_added",
    User.Disabled: "user_disabled",
    User.Enabled: "user_enabled",
    User.RoleChanged: "user_role_changed",
    User.PasswordReset: "user_password_reset",
}
SHOWN = ("name", "role", "county", "township")  # what a change set, where it set it


def _change(event: Any, subject: str) -> dict[str, Any]:
    state = vars(event)
    return {
        "at": stamp(event.timestamp),
        "by": state.get("by", ""),
        "kind": KINDS[type(event)],
        "subject": subject,
        **{k: state[k] for k in SHOWN if k in state},
    }


def _person(user: User) -> Person:
    return Person(
        user.username,
        user.role,
        user.county,
        user.township,
        user.disabled,
        user.must_change_password,
    )


__all__ = ["Administration", "NewPassword", "Person", "UserView"]
