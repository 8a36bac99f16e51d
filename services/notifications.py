"""What needs a user's attention, derived from the ledger as it stands: a report due within
``DUE_SOON_DAYS`` days (the township's people), the county's answer to a report (returned or
accepted: the township's head), a published ranking restated (the county's officer), a
data-quality flag raised on a township's year (its clerk and head, and the county's officer). Each
notice has a stable key; whether the user read it, and whether it was e-mailed to them, is
recorded in their inbox (domain/inbox.py).

``sources`` is the extension point: a source is a function of a principal that yields its
notices; append one to ``Notifications.sources``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain import values
from domain.access import Principal, Role
from domain.errors import NotFound
from domain.inbox import Inbox, inbox_uuid, notice_keys
from domain.moments import now
from domain.report import ReportSubmission
from services.application import LedgerApplication
from services.calendar import Calendar
from services.publications import Publications
from services.quality import Quality
from services.read_model import ReadModel

DUE_SOON_DAYS = 7
SUBMITTED = ReportSubmission.Submitted.TYPE
ANSWERS = (ReportSubmission.Returned.TYPE, ReportSubmission.Accepted.TYPE)


@dataclass(frozen=True)
class Notice:
    """One thing for a user's attention. ``kind``: ``due_soon``, ``report_returned``,
    ``report_accepted``, ``rank_restated``, ``quality_flag`` (and what sources add);
    ``params`` what its sentence says (year, period, due day, days left, reason …); ``at``:
    when it arose."""

    key: str
    kind: str
    at: datetime
    params: dict[str, Any] = field(default_factory=dict)
    read: bool = False


Source = Callable[[Principal], Iterable[Notice]]


class Notifications:
    def __init__(
        self,
        app: LedgerApplication,
        calendar: Calendar,
        read_model: ReadModel,
        publications: Publications,
        quality: Quality | None = None,
    ) -> None:
        self.app = app
        self.calendar = calendar
        self.read_model = read_model
        self.publications = publications
        self.quality = quality
        self.sources: list[Source] = [self.due_soon, self.answers, self.restated, self.flagged]

    def notices(self, principal: Principal) -> list[Notice]:
        """The principal's notices, newest first, each marked read or not."""
        inbox = self.inbox(principal.username)
        found = [n for source in self.sources for n in source(principal)]
        found.sort(key=lambda n: (n.at, n.key), reverse=True)
        return [replace(n, read=n.key in inbox.read) for n in found]

    def unread(self, principal: Principal) -> int:
        return sum(not n.read for n in self.notices(principal))

    def mark_read(self, principal: Principal, *, keys: Any) -> None:
        """Mark the principal's notices ``keys`` read (keys of no notice of theirs are
        refused, naming ``keys``)."""
        keys = notice_keys("keys", keys)
        mine = {n.key for n in self.notices(principal)}
        if not set(keys) <= mine:
            raise NotFound("notice.not_found", field="keys")
        self._change(principal.username, lambda inbox: inbox.mark_read(keys))

    def note_mailed(self, username: str, key: str) -> bool:
        """Record that ``key`` was mailed to the user; False when it had been already (by
        another worker, say)."""
        inbox = self.inbox(username)
        if key in inbox.mailed:
            return False
        inbox.note_mailed(key)
        try:
            self.app.save(inbox)
        except IntegrityError:
            return False
        return True

    def inbox(self, username: str) -> Inbox:
        try:
            return self.app.repository.get(inbox_uuid(username))
        except AggregateNotFoundError:
            return Inbox(username=username)

    def _change(self, username: str, change: Callable[[Inbox], None]) -> None:
        for attempt in (1, 2):  # a stale save (another tab) is tried once more
            inbox = self.inbox(username)
            change(inbox)
            try:
                self.app.save(inbox)
                return
            except IntegrityError:
                if attempt == 2:
                    raise

    # -- the sources ------------------------------------------------------------------------

    def due_soon(self, principal: Principal) -> Iterable[Notice]:
        """The township's next report (a year's, or a quarter's record), due within
        ``DUE_SOON_DAYS`` days (the last day). ``period``: its key (``2025``, ``2025-Q2``)."""
        if principal.township is None:
            return
        due = self.calendar.next_due(principal, township=principal.township)
        if due is None or not 0 <= due.days_left <= DUE_SOON_DAYS:
            return
        yield Notice(
            f"due:{due.period}:{due.last_day.isoformat()}",
            "due_soon",
            now(),
            {
                "year": due.period,
                "period": due.period,
                "due": due.last_day.isoformat(),
                "days_left": due.days_left,
            },
        )

    def answers(self, principal: Principal) -> Iterable[Notice]:
        """The county's answers to the township's reports (the head's: they submit them)."""
        if principal.role is not Role.HEAD or principal.township is None:
            return
        self.read_model.before_read()
        township = principal.township
        years = {
            f.entry_id: f.payload["year"]
            for f in self.read_model.facts_of_type(township, SUBMITTED)
        }
        for kind in ANSWERS:
            for fact in self.read_model.facts_of_type(township, kind):
                params = {"year": years.get(fact.entry_id), "id": fact.entry_id}
                if kind == ReportSubmission.Returned.TYPE:
                    params["reason"] = fact.payload.get("reason")
                yield Notice(f"answer:{township}:{fact.position}", kind, fact.recorded_at, params)

    def restated(self, principal: Principal) -> Iterable[Notice]:
        """The county's latest ranking publication of each period whose ranks changed since."""
        if principal.role is not Role.COUNTY_OFFICER or principal.county is None:
            return
        county = principal.county
        latest: dict[str, dict[str, Any]] = {}
        for published in self.publications.published(principal, county=county):
            if published["kind"] == "ranking":
                latest[published["period"]] = published
        for period, published in sorted(latest.items()):
            notice = self.publications.restatement(principal, county=county, period=period)
            if notice:
                yield Notice(
                    f"restated:{published['id']}",
                    "rank_restated",
                    now(),
                    {"period": period, "publication": published["id"]},
                )

    def flagged(self, principal: Principal) -> Iterable[Notice]:
        """The data-quality flags of last year (the one being reported) and this one: a
        township's own to its clerk and head, every township's of the county to its officer;
        one notice per township, year and rule, however its value moves."""
        if self.quality is None:
            return
        this_year = values.today().year
        for year in (str(this_year - 1), str(this_year)):
            if principal.township is not None:
                township = principal.township
                flags = {
                    township: self.quality.township_flags(principal, township=township, period=year)
                }
            elif principal.role is Role.COUNTY_OFFICER and principal.county is not None:
                doc = self.quality.quality(principal, county=principal.county, period=year)
                flags = {row["township"]: row["flags"] for row in doc["townships"]}
            else:
                return
            for township, found in sorted(flags.items()):
                for flag in found:
                    yield Notice(
                        f"flag:{township}:{year}:{flag['rule']}",
                        "quality_flag",
                        now(),
                        {"period": year, "township": township, "rule": flag["rule"],
                         "value": flag["value"]},
                    )  # fmt: skip
