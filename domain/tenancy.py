"""Counties, townships and users: who exists, and who belongs where.

Codes are unique across the installation; each record's id is derived from its code, so that
"does it exist?" is one lookup and a second ``add`` of the same code is refused.

Rights are events too: a county renamed, suspended or reinstated, a township renamed, a user
disabled, enabled, given another role or place, or given a one-time password; each names who
(``by``) and the library stamps when. ``RIGHTS_EVENTS`` names them; the services link each into
its county's rights chain (domain/rights.py) as it is saved. Records from before carry no ``by``
(an ``Added`` of then is taken as it was).
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain import values
from domain.access import Role
from domain.calendar import calendar_at, check_deadlines
from domain.errors import InvalidField, RuleBroken
from domain.groups import check_groups, groups_at
from domain.quality import check_rules, in_force
from domain.ranking import DEFAULT_INDICATORS, check_indicators

TENANCY_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/tenancy")


def county_uuid(code: str) -> UUID:
    return uuid5(TENANCY_NAMESPACE, f"county\x1f{code}")


def township_uuid(code: str) -> UUID:
    return uuid5(TENANCY_NAMESPACE, f"township\x1f{code}")


def user_uuid(username: str) -> UUID:
    return uuid5(TENANCY_NAMESPACE, f"user\x1f{username}")


class County(Aggregate):
    @classmethod
    def add(cls, *, code: str, name: str, by: str = "") -> County:
        return cls(code=values.code("code", code), name=values.text("name", name), by=by)

    @event("Added")
    def __init__(self, code: str, name: str, by: str = "") -> None:
        self.code = code
        self.name = name
        self.suspended = False
        self.townships: list[str] = []
        # (when it was recorded, indicators): a ranking as of a moment uses the ones then.
        self.indicator_history: list[tuple[datetime, list[dict]]] = []
        # (when it was recorded, the deadlines it set): the reporting calendar as of a moment.
        self.calendar_history: list[tuple[datetime, list[dict]]] = []
        # (when it was recorded, the data-quality settings given then): as of a moment, the
        # settings recorded by then over the defaults (domain.quality.in_force).
        self.quality_history: list[tuple[datetime, dict]] = []
        # (when it was recorded, every group then): a ranking as of a moment uses its groups.
        self.group_history: list[tuple[datetime, list[dict]]] = []

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return county_uuid(code)

    def include(self, township: str) -> None:
        if township in self.townships:
            raise RuleBroken(
                "township.already_included", field="code", township=township, county=self.code
            )
        self._include(township)

    @event("TownshipIncluded")
    def _include(self, township: str) -> None:
        self.townships.append(township)

    def rename(self, *, name: str, by: str) -> None:
        """A new name; the same name again records nothing."""
        name = values.text("name", name)
        if name != self.name:
            self._rename(name=name, by=by)

    @event("Renamed")
    def _rename(self, name: str, by: str) -> None:
        self.name = name

    def suspend(self, *, by: str) -> None:
        """Its people can no longer sign in; its records stay. Suspended again: nothing."""
        if not self.suspended:
            self._suspend(by=by)

    @event("Suspended")
    def _suspend(self, by: str) -> None:
        self.suspended = True

    def reinstate(self, *, by: str) -> None:
        if self.suspended:
            self._reinstate(by=by)

    @event("Reinstated")
    def _reinstate(self, by: str) -> None:
        self.suspended = False

    class IndicatorsSet(Aggregate.Event):
        indicators: list[dict]

        def apply(self, aggregate: County) -> None:
            aggregate.indicator_history.append((self.timestamp, self.indicators))

    def set_indicators(self, indicators: list[dict]) -> None:
        """The county's ranking indicators: figure, direction, weight (see domain.ranking).
        The ones in force again change nothing, and record nothing."""
        checked = check_indicators(indicators)
        if checked != self.indicators_in_force():
            self.trigger_event(self.IndicatorsSet, indicators=checked)

    def indicators_in_force(self) -> list[dict]:
        """The indicators set last, or the defaults when none were."""
        if self.indicator_history:
            return self.indicator_history[-1][1]
        return [dict(i) for i in DEFAULT_INDICATORS]

    class CalendarSet(Aggregate.Event):
        deadlines: list[dict]

        def apply(self, aggregate: County) -> None:
            aggregate.calendar_history.append((self.timestamp, self.deadlines))

    def set_calendar(self, deadlines: list[dict]) -> list[dict]:
        """Set the due day and grace days of the years named (domain/calendar.py); the
        other years keep theirs. Deadlines already in force record nothing. Returns the
        deadlines that changed."""
        checked = check_deadlines(deadlines)
        kept = {p: d.document() for p, d in calendar_at(self.calendar_history).items()}
        changed = [d for d in checked if kept.get(d["period"]) != d]
        if changed:
            self.trigger_event(self.CalendarSet, deadlines=changed)
        return changed

    class QualityRulesSet(Aggregate.Event):
        rules: dict

        def apply(self, aggregate: County) -> None:
            # Assign state only: this runs again on every replay.
            aggregate.quality_history.append((self.timestamp, self.rules))

    def set_quality_rules(self, given: dict) -> None:
        """Set any of the data-quality rules' settings (domain.quality); the others keep their
        values. Settings that change nothing record nothing."""
        checked = check_rules(given)
        after = in_force([*(s for _, s in self.quality_history), checked])
        if after != self.quality_rules_in_force():
            self.trigger_event(self.QualityRulesSet, rules=checked)

    def quality_rules_in_force(self) -> dict[str, dict]:
        return in_force(s for _, s in self.quality_history)

    class GroupsSet(Aggregate.Event):
        groups: list[dict]

        def apply(self, aggregate: County) -> None:
            # Assign state only: this runs again on every replay.
            aggregate.group_history.append((self.timestamp, self.groups))

    def set_groups(self, groups: list[dict]) -> bool:
        """The county's peer groups, all of them (domain/groups.py); an empty list ends
        them. The groups in force again record nothing. Returns whether they changed."""
        checked = check_groups(groups, self.townships)
        if checked == groups_at(self.group_history):
            return False
        self.trigger_event(self.GroupsSet, groups=checked)
        return True


class Township(Aggregate):
    @classmethod
    def add(cls, *, county: str, code: str, name: str, by: str = "") -> Township:
        return cls(
            county=county, code=values.code("code", code), name=values.text("name", name), by=by
        )

    @event("Added")
    def __init__(self, county: str, code: str, name: str, by: str = "") -> None:
        self.county = county
        self.code = code
        self.name = name

    @staticmethod
    def create_id(code: str, **_: object) -> UUID:
        return township_uuid(code)

    def rename(self, *, name: str, by: str) -> None:
        name = values.text("name", name)
        if name != self.name:
            self._rename(name=name, by=by)

    @event("Renamed")
    def _rename(self, name: str, by: str) -> None:
        self.name = name


class User(Aggregate):
    """A person who signs in. The password hash is computed outside the domain (Argon2id)."""

    @staticmethod
    def check(*, username: str, role: str, county: str | None, township: str | None) -> None:
        """A username, and a role with the one place it belongs to."""
        values.code("username", username)
        values.choice("role", role, [r.value for r in Role])
        needs = Role(role).scope
        if needs == "township" and (not township or county):
            raise InvalidField("township", "user.needs_township", role=role)
        if needs == "county" and (not county or township):
            raise InvalidField("county", "user.needs_county", role=role)
        if needs == "installation" and (county or township):
            raise InvalidField("role", "user.needs_nothing", role=role)

    @classmethod
    def add(
        cls,
        *,
        username: str,
        role: str,
        password_hash: str,
        county: str | None,
        township: str | None,
        by: str = "",
        one_time: bool = False,
    ) -> User:
        """``one_time``: the password was made for the user, who must change it first."""
        cls.check(username=username, role=role, county=county, township=township)
        return cls(
            username=username,
            role=role,
            password_hash=password_hash,
            county=county,
            township=township,
            by=by,
            one_time=one_time,
        )

    @event("Added")
    def __init__(
        self,
        username: str,
        role: str,
        password_hash: str,
        county: str | None,
        township: str | None,
        by: str = "",
        one_time: bool = False,
    ) -> None:
        self.username = username
        self.role = role
        self.password_hash = password_hash
        self.county = county
        self.township = township
        self.disabled = False
        # A one-time password (made by whoever added the user or reset it): it only lets the
        # user choose their own.
        self.must_change_password = one_time
        # Goes up whenever the user's signed-in sessions are ended (a password change): a
        # session made before carries an older number and is no longer honoured.
        self.session_version = 0
        # Tokens issued before this moment are no longer accepted (None: all are).
        self.tokens_valid_from: datetime | None = None
        self.email: str | None = None  # where notifications are sent (set_email)

    @staticmethod
    def create_id(username: str, **_: object) -> UUID:
        return user_uuid(username)

    def change_password_hash(self, password_hash: str) -> None:
        """A new password; every token issued with the old one stops working."""
        self._change_password_hash(password_hash=password_hash)
        self.revoke_tokens()

    class TokensRevoked(Aggregate.Event):
        def apply(self, aggregate: User) -> None:
            aggregate.tokens_valid_from = self.timestamp

    def revoke_tokens(self) -> None:
        """Every token issued to this user so far stops working."""
        self.trigger_event(self.TokensRevoked)

    def set_email(self, email: str | None) -> None:
        """Where the user's notifications are sent (None: nowhere); the same again records
        nothing."""
        email = None if email is None else values.email("email", email)
        if email != self.email:
            self._set_email(email=email)

    @event("EmailSet")
    def _set_email(self, email: str | None) -> None:
        self.email = email

    @event("PasswordChanged")
    def _change_password_hash(self, password_hash: str) -> None:
        # Assign state only: this runs again on every replay.
        self.password_hash = password_hash
        self.must_change_password = False
        self.session_version += 1

    # -- Two-factor sign-in (domain/two_factor.py): the secret of the authenticator app, the
    # digests of the unused recovery codes, and the latest time step whose code was used (a
    # code is accepted once). Class defaults: users added before it replay as not enrolled.
    two_factor_secret: str | None = None
    recovery_digests: tuple[str, ...] = ()
    last_code_step: int = -1

    @property
    def two_factor_enrolled(self) -> bool:
        return self.two_factor_secret is not None

    class TwoFactorEnrolled(Aggregate.Event):
        secret: str
        recovery_digests: list[str]
        step: int

        def apply(self, aggregate: User) -> None:
            aggregate.two_factor_secret = self.secret
            aggregate.recovery_digests = tuple(self.recovery_digests)
            aggregate.last_code_step = self.step

    def enrol_two_factor(self, *, secret: str, recovery_digests: list[str], step: int) -> None:
        """Enrolled, the first code (of ``step``) proving the app holds the secret."""
        if self.two_factor_enrolled:
            raise RuleBroken("two_factor.already_enrolled", field="otp")
        self.trigger_event(
            self.TwoFactorEnrolled, secret=secret, recovery_digests=recovery_digests, step=step
        )

    class TwoFactorCodeUsed(Aggregate.Event):
        step: int

        def apply(self, aggregate: User) -> None:
            aggregate.last_code_step = self.step

    def use_code(self, step: int) -> None:
        """A code of the app used to sign in: it, and every earlier one, is spent."""
        if not self.two_factor_enrolled or step <= self.last_code_step:
            raise InvalidField("otp", "two_factor.wrong")
        self.trigger_event(self.TwoFactorCodeUsed, step=step)

    class RecoveryCodeUsed(Aggregate.Event):
        digest: str

        def apply(self, aggregate: User) -> None:
            aggregate.recovery_digests = tuple(
                d for d in aggregate.recovery_digests if d != self.digest
            )

    def use_recovery_code(self, digest: str) -> None:
        if digest not in self.recovery_digests:
            raise InvalidField("otp", "two_factor.wrong")
        self.trigger_event(self.RecoveryCodeUsed, digest=digest)

    class Disabled(Aggregate.Event):
        """The user can no longer sign in; their sessions and tokens end."""

        by: str

        def apply(self, aggregate: User) -> None:
            aggregate.disabled = True
            aggregate.session_version += 1
            aggregate.tokens_valid_from = self.timestamp

    def disable(self, *, by: str) -> None:
        """Disabled again: nothing is recorded."""
        if not self.disabled:
            self.trigger_event(self.Disabled, by=by)

    def enable(self, *, by: str) -> None:
        if self.disabled:
            self._enable(by=by)

    @event("Enabled")
    def _enable(self, by: str) -> None:
        self.disabled = False

    def change_role(self, *, role: str, county: str | None, township: str | None, by: str) -> None:
        """Another role, or another place; the same again records nothing."""
        User.check(username=self.username, role=role, county=county, township=township)
        if (role, county, township) != (self.role, self.county, self.township):
            self._change_role(role=role, county=county, township=township, by=by)

    @event("RoleChanged")
    def _change_role(self, role: str, county: str | None, township: str | None, by: str) -> None:
        self.role = role
        self.county = county
        self.township = township

    class PasswordReset(Aggregate.Event):
        """A one-time password made for the user: their sessions and tokens end, and it
        only lets them choose their own."""

        password_hash: str
        by: str

        def apply(self, aggregate: User) -> None:
            aggregate.password_hash = self.password_hash
            aggregate.must_change_password = True
            aggregate.session_version += 1
            aggregate.tokens_valid_from = self.timestamp

    def reset_password(self, *, password_hash: str, by: str) -> None:
        self.trigger_event(self.PasswordReset, password_hash=password_hash, by=by)


# The events that change who holds which right where: each is linked into a rights chain.
RIGHTS_EVENTS: tuple[type, ...] = (
    County.Added,
    County.Renamed,
    County.Suspended,
    County.Reinstated,
    Township.Added,
    Township.Renamed,
    User.Added,
    User.Disabled,
    User.Enabled,
    User.RoleChanged,
    User.PasswordReset,
)
