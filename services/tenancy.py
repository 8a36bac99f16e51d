"""Counties, townships and users; sign-in; resolving which townships a principal sees."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic

from domain import values
from domain.access import Principal, Role
from domain.errors import AlreadyExists, Forbidden, NotFound
from domain.rights import INSTALLATION
from domain.signin import check_password
from domain.tenancy import County, Township, User, county_uuid, township_uuid, user_uuid
from services.application import LedgerApplication
from services.rights import Rights
from services.township_names import TownshipNames, TownshipView

EVENTS_PAGE = 500  # user events read from the log at a time (the mailer)


@dataclass(frozen=True)
class CountyView:
    code: str
    name: str
    townships: tuple[str, ...]
    indicator_history: tuple[tuple[datetime, list[dict]], ...] = ()
    calendar_history: tuple[tuple[datetime, list[dict]], ...] = ()
    quality_history: tuple[tuple[datetime, dict], ...] = ()
    suspended: bool = False
    group_history: tuple[tuple[datetime, list[dict]], ...] = ()

    def indicators_at(self, moment: datetime | None = None) -> list[dict] | None:
        """The ranking indicators in force at ``moment`` (now when None); None if never set."""
        chosen = None
        for recorded_at, indicators in self.indicator_history:
            if moment is None or recorded_at <= moment:
                chosen = indicators
        return chosen

    def quality_settings_at(self, moment: datetime | None = None) -> list[dict]:
        """The data-quality settings recorded by ``moment`` (all when None), in order."""
        return [s for at, s in self.quality_history if moment is None or at <= moment]


@dataclass
class MailRecipients:
    """The users with an e-mail address (``addresses``), and how far the log was read for
    them: a mailer reads on from there."""

    position: int = 0
    users: set = field(default_factory=set)  # the ids of users whose address was ever set
    addresses: list[tuple[Principal, str]] = field(default_factory=list)


@dataclass(frozen=True)
class UserView:
    username: str
    role: str
    county: str | None
    township: str | None


class Tenancy:
    def __init__(self, app: LedgerApplication, hasher: PasswordHasher | None = None) -> None:
        self.app = app
        self.rights = Rights(app)
        self.hasher = hasher or PasswordHasher()
        self._nobody: tuple[PasswordHasher | None, str] = (None, "")
        self.names = TownshipNames(app, self._read_township)
        # Counties only grow: a cached one is brought up to date with its newer events.
        self._counties: dict[str, County] = {}
        self._counties_lock = threading.Lock()

    # -- administration ---------------------------------------------------------------------

    def add_county(self, principal: Principal, *, code: str, name: str) -> CountyView:
        principal.check_administers()
        county = County.add(code=code, name=name, by=principal.username)
        if self._exists(county.id):
            raise AlreadyExists("county.exists", field="code", code=code)
        self.rights.save(INSTALLATION, county)
        return _county_view(county)

    def add_township(
        self, principal: Principal, *, county: str, code: str, name: str
    ) -> TownshipView:
        check_administers_county(principal)
        values.code_text("county", county)
        missing = NotFound("county.not_found", field="county", code=county)
        if not administers_county(principal, county):
            raise missing
        parent = self._get(county_uuid(county), missing)
        township = Township.add(county=county, code=code, name=name, by=principal.username)
        if self._exists(township.id):
            raise AlreadyExists("township.exists", field="code", code=code)
        parent.include(township.code)
        self.rights.save(county, parent, township)
        return self.township_view(township)

    def add_user(
        self,
        principal: Principal,
        *,
        username: str,
        password: str,
        role: str,
        county: str | None = None,
        township: str | None = None,
        email: str | None = None,
        one_time: bool = False,
    ) -> UserView:
        """A new user (``one_time``: the password is one they must change first). An
        administrator adds anyone; a county officer a clerk, head or auditor of their county
        (DOMAIN.md "Administration")."""
        check_administers_county(principal)
        User.check(username=username, role=role, county=county, township=township)
        check_grants(principal, role)
        check_password("password", password)
        if email is not None:
            values.email("email", email)
        scope = self.place_of(principal, county=county, township=township)
        if self._exists(user_uuid(username)):
            raise AlreadyExists("user.exists", field="username", username=username)
        # Checked first: hashing with Argon2id is deliberately slow.
        user = User.add(
            username=username,
            role=role,
            password_hash=self.hasher.hash(password),
            county=county,
            township=township,
            by=principal.username,
            one_time=one_time,
        )
        if email is not None:
            user.set_email(email)
        self.rights.save(scope, user)
        return UserView(user.username, user.role, user.county, user.township)

    def set_email(self, principal: Principal, *, username: str, email: str | None) -> None:
        """Where a user's notifications are sent (None: nowhere): the administrator's, or
        the user's own."""
        if principal.username != username:
            principal.check_administers()
        values.code_text("username", username)
        user = self._get(
            user_uuid(username), NotFound("user.not_found", field="username", username=username)
        )
        user.set_email(email)
        self.app.save(user)

    def mail_recipients(self, known: MailRecipients | None = None) -> MailRecipients:
        """Every user with an e-mail address, and it (for the mailer, a trusted caller): the
        users of the log's e-mail events, read from where ``known`` stopped (all when None)."""
        found = known or MailRecipients()
        end = self.app.recorder.max_notification_id() or 0
        while found.position < end:
            page = self.app.recorder.select_notifications(
                start=found.position + 1,
                limit=EVENTS_PAGE,
                stop=end,
                topics=[get_topic(User.EmailSet)],
            )
            found.users.update(n.originator_id for n in page)
            found.position = page[-1].id if len(page) == EVENTS_PAGE else end
        users = [self.app.repository.get(user_id) for user_id in found.users]
        found.addresses = sorted(
            ((principal_of(u), u.email) for u in users if u.email),
            key=lambda pair: pair[0].username,
        )
        return found

    def place_of(self, principal: Principal, *, county: str | None, township: str | None) -> str:
        """The county of a user's place (the installation's scope for none), once it is
        known to exist and to be the principal's to administer; else "not found"."""
        if township is not None:
            # Whether it exists, not whether the administrator sees inside it (they never do).
            view = self._township(township)
            if not administers_county(principal, view.county):
                raise NotFound("township.not_found", field="township", code=township)
            return view.county
        if county is not None:
            values.code_text("county", county)
            missing = NotFound("county.not_found", field="county", code=county)
            if not administers_county(principal, county):
                raise missing
            self._get(county_uuid(county), missing)
            return county
        return INSTALLATION

    # -- sign-in ----------------------------------------------------------------------------

    def authenticate(self, *, username: str, password: str) -> Principal:
        """The user's principal for their password. An unknown name costs the same Argon2
        verification as a wrong password, so that the time of the answer tells nobody which
        names exist."""
        wrong = NotFound("signin.wrong", field="password")
        if not isinstance(username, str) or not isinstance(password, str):
            raise wrong
        values.code_text("username", username)
        try:
            user = self.app.repository.get(user_uuid(username))
        except AggregateNotFoundError:
            user = None
        try:
            self.hasher.verify(user.password_hash if user else self._nobodys_hash(), password)
        except VerificationError:
            raise wrong from None
        if user is None:  # the password of nobody matched: it cannot, but never let it in
            raise wrong
        self.check_may_sign_in(user)
        return principal_of(user)

    def check_may_sign_in(self, user: User) -> None:
        """A disabled user, or one of a suspended county, is refused (their password was
        right: saying so tells nobody else anything)."""
        if user.disabled:
            raise Forbidden("signin.disabled", field="username")
        if self.suspended(user):
            raise Forbidden("signin.suspended", field="username")

    def suspended(self, user: User) -> bool:
        """Whether the user's county is suspended."""
        county = user.county
        if county is None and user.township is not None:
            county = self._township(user.township).county
        if county is None:
            return False
        try:
            return self.app.repository.get(county_uuid(county)).suspended
        except AggregateNotFoundError:
            return False

    def _nobodys_hash(self) -> str:
        """A hash made by this hasher (its costs) of a password nobody knows, made once."""
        hasher, hashed = self._nobody
        if hasher is not self.hasher:
            hashed = self.hasher.hash(secrets.token_urlsafe(32))
            self._nobody = (self.hasher, hashed)
        return hashed

    def principal(self, *, username: str) -> Principal:
        """The principal of a user, for trusted callers (the command line's ``--as``)."""
        values.code_text("as", username)
        user = self._get(
            user_uuid(username), NotFound("user.not_found", field="as", username=username)
        )
        return principal_of(user)

    # -- what a principal sees --------------------------------------------------------------

    def township(self, principal: Principal, code: str) -> TownshipView:
        """The township, if it exists and the principal may see it; else "not found"."""
        view = self._township(code)
        if not principal.sees(township=view.code, county=view.county):
            raise NotFound("township.not_found", field="township", code=code)
        return view

    def county(self, principal: Principal, code: str) -> CountyView:
        values.code_text("county", code)
        missing = NotFound("county.not_found", field="county", code=code)
        if not principal.sees_county(code):
            raise missing
        return self._county(code, missing)

    def county_of(self, township: TownshipView) -> CountyView:
        """The county a township belongs to, for a use case that resolved the township for its
        principal already (a township's deadlines, from its county's calendar)."""
        return self._county(township.county, NotFound("county.not_found", code=township.county))

    def _county(self, code: str, missing: Exception) -> CountyView:
        with self._counties_lock:
            county = self._counties.get(code)
            if county is None:
                county = self._get(county_uuid(code), missing)
            else:
                for newer in self.app.events.get(county.id, gt=county.version):
                    newer.mutate(county)
            self._counties[code] = county
            return _county_view(county)

    def counties(self, principal: Principal) -> list[tuple[CountyView, list[TownshipView]]]:
        """Every county of the installation with its townships, in the order they were
        added: what the administrator oversees (the records inside a township are not theirs).
        Those the installation's rights chain covers (each is added with a link of it)."""
        principal.check_administers()
        found = []
        for key in self.rights.covered_of(INSTALLATION, County):
            view = _county_view(self.app.repository.get(key))
            found.append((view, [self._township(code) for code in view.townships]))
        return found

    def county_of_township(self, code: str) -> str:
        return self._township(code).county

    def has_users(self) -> bool:
        """Whether anybody can sign in yet (``serve`` on an empty database says how)."""
        return bool(
            self.app.recorder.select_notifications(start=1, limit=1, topics=[get_topic(User.Added)])
        )

    def _township(self, code: str) -> TownshipView:
        """The township if it exists (services/township_names.py keeps it)."""
        values.code_text("township", code)
        return self.names.get(code)

    def _read_township(self, code: str) -> Township:
        return self._get(
            township_uuid(code), NotFound("township.not_found", field="township", code=code)
        )

    def township_view(self, township: Township) -> TownshipView:
        return self.names.keep(township)

    def known_townships(self, codes: Sequence[str]) -> list[TownshipView]:
        """Townships known to exist (a county's), whoever asks, named in one query."""
        return self.names.many(codes)

    # -- helpers ----------------------------------------------------------------------------

    def record(self, aggregate_id, missing: Exception):
        """A county's, township's or user's record (for services/administration.py), else
        ``missing`` is raised."""
        return self._get(aggregate_id, missing)

    def exists(self, aggregate_id) -> bool:
        return self._exists(aggregate_id)

    def known_township(self, code: str) -> TownshipView:
        """The township if it exists, whoever asks (administration checks its own rights)."""
        return self._township(code)

    def _get(self, aggregate_id, missing: Exception):
        try:
            return self.app.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing from None

    def _exists(self, aggregate_id) -> bool:
        return aggregate_id in self.app.repository


def _county_view(county: County) -> CountyView:
    return CountyView(
        county.code,
        county.name,
        tuple(county.townships),
        tuple(county.indicator_history),
        tuple(county.calendar_history),
        tuple(county.quality_history),
        county.suspended,
        tuple(county.group_history),
    )


def administers_county(principal: Principal, county: str) -> bool:
    """May the principal administer the county's townships and people? The installation's
    administrator (and operator) every county's; a county officer their own."""
    if principal.role in (Role.ADMIN, Role.OPERATOR):
        return True
    return principal.role is Role.COUNTY_OFFICER and principal.county == county


def check_administers_county(principal: Principal) -> None:
    if principal.role not in (Role.ADMIN, Role.OPERATOR, Role.COUNTY_OFFICER):
        raise Forbidden("role.administers")


# The roles a county officer gives (an administrator gives any).
OFFICER_GRANTS = frozenset({Role.CLERK.value, Role.HEAD.value, Role.AUDITOR.value})


def check_grants(principal: Principal, role: str) -> None:
    if principal.role is Role.COUNTY_OFFICER and role not in OFFICER_GRANTS:
        raise Forbidden("role.officer_grants", field="role", role=role)


def principal_of(user: User) -> Principal:
    return Principal(
        username=user.username, role=Role(user.role), county=user.county, township=user.township
    )
