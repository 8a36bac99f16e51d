"""Who may do what: the roles of DOMAIN.md as pure rules over a principal and a township.

The services call these before every read and write; a township a principal may not see is
reported exactly as a township that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from domain.catalogue import COUNTY_TYPES, HEAD_TYPES, RETRACTION
from domain.errors import Forbidden


class Role(StrEnum):
    CLERK = "clerk"
    HEAD = "head"
    COUNTY_OFFICER = "county_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # The command line run by whoever operates the installation's database.
    OPERATOR = "operator"

    @property
    def scope(self) -> str:
        return {
            Role.CLERK: "township",
            Role.HEAD: "township",
            Role.COUNTY_OFFICER: "county",
            Role.AUDITOR: "county",
        }.get(self, "installation")


@dataclass(frozen=True)
class Principal:
    username: str
    role: Role
    county: str | None = None
    township: str | None = None

    @classmethod
    def operator(cls, name: str = "operator") -> Principal:
        return cls(username=name, role=Role.OPERATOR)

    def sees(self, *, township: str, county: str) -> bool:
        """May this principal see the township's records at all?"""
        if self.role is Role.OPERATOR:
            return True
        if self.role.scope == "township":
            return self.township == township
        if self.role.scope == "county":
            return self.county == county
        return False

    def sees_county(self, county: str) -> bool:
        return self.role is Role.OPERATOR or (self.role.scope == "county" and self.county == county)

    def check_records(self, type_: str) -> None:
        """May this principal record an event of this type (in a township it sees)?"""
        if self.role is Role.OPERATOR:
            return
        if type_ in COUNTY_TYPES:
            if self.role is not Role.COUNTY_OFFICER:
                raise Forbidden("role.county_office_records", field="type", type=type_)
            return
        if self.role not in (Role.CLERK, Role.HEAD):
            raise Forbidden("role.records_nothing", field="type", role=self.role)
        if type_ in HEAD_TYPES and self.role is not Role.HEAD:
            raise Forbidden("role.head_only", field="type", type=type_)

    def check_retracts(self, recorded: Iterable[str]) -> None:
        """May this principal retract an entry holding events of the ``recorded`` types? Only
        what they may record (DOMAIN.md): a clerk not the head's narrative or submission, and
        nobody in the township an entry holding the county office's answer (a report it
        accepted is published: retracting its submission would let the year be published
        again)."""
        for type_ in recorded:
            if not self.may_record(type_):
                raise Forbidden(
                    "role.retracts_what_it_records", field="id", role=self.role, type=type_
                )

    def may_retract(self, recorded: Iterable[str]) -> bool:
        return self.may_record(RETRACTION) and all(self.may_record(t) for t in recorded)

    def may_record(self, type_: str) -> bool:
        try:
            self.check_records(type_)
        except Forbidden:
            return False
        return True

    def check_sets_indicators(self) -> None:
        if self.role not in (Role.COUNTY_OFFICER, Role.OPERATOR):
            raise Forbidden("role.sets_indicators")

    def check_sets_calendar(self) -> None:
        if self.role not in (Role.COUNTY_OFFICER, Role.OPERATOR):
            raise Forbidden("role.sets_calendar")

    def check_sets_quality_rules(self) -> None:
        if self.role not in (Role.COUNTY_OFFICER, Role.OPERATOR):
            raise Forbidden("role.sets_quality_rules")

    def check_sets_groups(self) -> None:
        if self.role not in (Role.COUNTY_OFFICER, Role.OPERATOR):
            raise Forbidden("role.sets_groups")

    def check_publishes(self) -> None:
        if self.role not in (Role.COUNTY_OFFICER, Role.OPERATOR):
            raise Forbidden("role.publishes")

    def check_audits(self) -> None:
        """Verification and the audit export are the auditor's (DOMAIN.md "Who uses it")."""
        if self.role not in (Role.AUDITOR, Role.OPERATOR):
            raise Forbidden("role.audits")

    def check_administers(self) -> None:
        if self.role not in (Role.ADMIN, Role.OPERATOR):
            raise Forbidden("role.administers")
