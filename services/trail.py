"""Recording what auditors look at, and listing it for their county (``audit-log``)."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.access import Principal, Role
from domain.errors import Conflict, InvalidField
from domain.moments import stamp
from domain.trail import AuditTrail, trail_uuid
from services.application import LedgerApplication
from services.paging import after, checked_limit
from services.tenancy import Tenancy


class Trail:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy) -> None:
        self.app = app
        self.tenancy = tenancy

    def note(self, principal: Principal, *, county: str, action: str, subject: str) -> None:
        """Record that an auditor did ``action`` on ``subject`` (others are not recorded)."""
        if principal.role is not Role.AUDITOR:
            return
        for attempt in (1, 2):
            last = self.app.recorder.select_events(trail_uuid(county), desc=True, limit=1)
            look = {"actor": principal.username, "action": action, "subject": subject}
            if last:
                change: Any = AuditTrail.next_look(county, after=last[0].originator_version, **look)
            else:
                change = AuditTrail(county)
                change.look(**look)
            try:
                self.app.save(change)
                return
            except IntegrityError:
                if attempt == 2:
                    raise Conflict("trail.changed_meanwhile") from None

    def note_township(self, principal: Principal, *, township: str, action: str) -> None:
        if principal.role is Role.AUDITOR:
            county = self.tenancy.township(principal, township).county
            self.note(principal, county=county, action=action, subject=township)

    def looks(self, principal: Principal, *, county: str) -> list[dict[str, Any]]:
        """Who looked at what in the county, oldest first."""
        code = self.tenancy.county(principal, county).code
        trail = self._trail(code)
        return [{**look, "at": stamp(look["at"])} for look in trail.looks]

    def looks_page(
        self, principal: Principal, *, county: str, cursor: Any = None, limit: int = 100
    ) -> dict[str, Any]:
        """Who looked at what in the county, oldest first, ``limit`` (at most 200) after
        ``cursor``: ``{"looks", "total", "next_cursor"}`` (the command line prints all)."""
        start, size = after(cursor), checked_limit(limit, 200)
        looks = self.looks(principal, county=county)
        end = start + size
        following = str(end) if end < len(looks) else None
        return {"looks": looks[start:end], "total": len(looks), "next_cursor": following}

    def page(
        self, principal: Principal, *, county: str, page: Any = 1, size: int = 50
    ) -> dict[str, Any]:
        """Who looked at what in the county, newest first, ``size`` a page: the looks of
        page ``page`` (from 1), the page, the number of pages, the number of looks."""
        number = _page_number(page)
        looks = self.looks(principal, county=county)[::-1]
        pages = max(1, -(-len(looks) // size))
        if number > pages:
            raise InvalidField("page", "page.beyond", pages=pages)
        start = (number - 1) * size
        return {
            "looks": looks[start : start + size],
            "page": number,
            "pages": pages,
            "total": len(looks),
        }

    def _trail(self, county: str) -> AuditTrail:
        try:
            return self.app.repository.get(trail_uuid(county))
        except AggregateNotFoundError:
            return AuditTrail(county)


def _page_number(page: Any) -> int:
    text = str(page).strip()
    if not text.isdigit() or not 0 < int(text) < 10**9:
        raise InvalidField("page", "page.malformed", got=text)
    return int(text)
