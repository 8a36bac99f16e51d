"""A township's entries as lists: filtered, paged, and its open issues, from the read model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain import values
from domain.access import Principal
from domain.catalogue import CREATIONS
from projections.entries import EntrySummary, Filters, chosen, select, summary
from services.paging import after, checked_limit
from services.read_model import ReadModel
from services.tenancy import Tenancy

MAX_PAGE = 200
LOOK_BACK = 10  # years


@dataclass(frozen=True)
class EntryPage:
    items: tuple[EntrySummary, ...]
    total: int
    next_cursor: str | None  # give it back as ``cursor`` for the next page


class Browsing:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel) -> None:
        self.tenancy = tenancy
        self.read_model = read_model

    def entries(
        self,
        principal: Principal,
        *,
        township: str,
        type: str | None = None,  # noqa: A002 - the interchange format's own name
        since: str | None = None,
        until: str | None = None,
        open: bool | None = None,  # noqa: A002
        cursor: str | None = None,
        limit: int = 25,
    ) -> EntryPage:
        filters = Filters(
            type=values.choice("type", type, tuple(CREATIONS)) if type else None,
            since=values.day("from", since) if since else None,
            until=values.day("to", until) if until else None,
            open=open,
        )
        start = after(cursor)
        checked_limit(limit, MAX_PAGE)
        code = self.tenancy.township(principal, township).code
        self.read_model.before_read()
        kept = chosen(self.read_model.current_entries(code), filters)
        end, now = start + limit, datetime.now(UTC)
        shown = tuple(summary(s, now) for s in kept[start:end])
        return EntryPage(shown, len(kept), str(end) if end < len(kept) else None)

    def open_issues(self, principal: Principal, *, township: str) -> list[EntrySummary]:
        """Issues not yet rectified, those past their deadline first."""
        kept = self._select(principal, township, Filters(type="issue_found", open=True))
        return sorted(kept, key=lambda s: (not s.overdue, s.deadline or ""))

    def latest_year(
        self, principal: Principal, *, township: str | None = None, county: str | None = None
    ) -> int:
        """The latest year, of the last ``LOOK_BACK``, in which the township (or any township
        of the county) has counted anything: what its pages open on (not this year while
        nothing is recorded in it yet). This year, the installation's, when none."""
        if township is not None:
            codes: tuple[str, ...] = (self.tenancy.township(principal, township).code,)
        else:
            codes = self.tenancy.county(principal, county or "").townships
        self.read_model.before_read()
        return self.latest_year_of(codes)

    def latest_year_of(self, codes: tuple[str, ...]) -> int:
        """``latest_year`` of townships resolved already (the read model brought up to date)."""
        this_year = values.today().year
        for year in range(this_year, this_year - LOOK_BACK, -1):
            tallies = self.read_model.tallies(codes, str(year))
            if any(+counts for counts in tallies.values()):
                return year
        return this_year

    def _select(self, principal: Principal, township: str, filters: Filters) -> list:
        code = self.tenancy.township(principal, township).code
        self.read_model.before_read()
        now = datetime.now(UTC)
        return select(self.read_model.current_entries(code), filters, now)
