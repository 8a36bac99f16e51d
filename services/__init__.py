"""Use cases. ``open_services`` is the one place that constructs the application.

- ``tenancy``: counties, townships, users, sign-in (services/tenancy.py)
- ``entries``: recording the township's work (services/entries.py)
- ``interchange``: importing and exporting lines of entries (services/interchange.py)
- ``read_model``: keeping the read model current: refresh, rebuild, follow (services/read_model.py)
- ``figures``: a township's figures and the entries behind them (services/figures.py)
- ``rankings``: a county's indicators and its townships ranked (services/rankings.py)
- ``quality``: data-quality rules and each township's flags (services/quality.py)
- ``reports``: a township's annual report (services/reports.py)
- ``verifier``: ``verify``: hash chains, anchors, the read model against a replay
  (services/verification.py)
- ``publications``: a county's ranking published, and given back byte for byte
  (services/publications.py)
- ``audit_export``: a township's or county's events, hashes, links and anchors in one file
  (services/audit_export.py)
- ``differences``: figures or a ranking as of a moment beside today's, and the entries since
  (services/differences.py)
- ``history``: an entry's events, a township's time window, late events marked
  (services/history.py)
- ``trail``: what auditors looked at, per county (services/trail.py)
- ``accounts``: signed-in sessions, sign-in throttling, password changes, two-factor
  enrolment (services/accounts.py)
- ``browsing``: a township's entries listed, filtered and paged (services/browsing.py)
- ``calendar``: the county's reporting calendar; completeness and timeliness of a year's
  reports; a township's next due day (services/calendar.py)
- ``breakdowns``: why a township ranks where it does, quarter by quarter (services/breakdowns.py)
- ``trends``: a township's figures over quarters and years, each against the year before
  (services/trends.py)
- ``overviews``: what a page shows, in one call, the township or county resolved once: the
  township's dashboard, trends and report, the county's ranking, its page of one township, its
  indicators, groups, completeness, quality rules, workbook and reports, an entry's history
  (services/overviews.py)
- ``tokens``: the API's tokens: issue, check, revoke (services/tokens.py)
- ``evidence``: files attached to entries, in the evidence store (services/evidence.py)
- ``timestamps``: trusted timestamps (RFC 3161) on publications and chain heads: the tokens
  read back (services/timestamps.py); ``stamper()`` the job that asks for them
  (services/stamping.py)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from projections.ledger import LedgerView
from projections.memory import in_memory_view
from services.accounts import Accounts, AttemptStore, InMemoryAttempts
from services.administration import Administration
from services.application import LedgerApplication
from services.audit_export import AuditExport
from services.breakdowns import Breakdowns
from services.browsing import Browsing
from services.calendar import Calendar
from services.differences import Differences
from services.entries import Entries
from services.evidence import Evidence, EvidenceLimits
from services.evidence_store import EvidenceStore, InMemoryEvidence
from services.figures import Figures
from services.history import History
from services.interchange import Interchange
from services.mailing import Mailer, MailSender
from services.notifications import Notifications
from services.overviews import Overviews
from services.publications import Publications
from services.quality import Quality
from services.rankings import Rankings
from services.read_model import ReadModel
from services.reports import Reports
from services.stamping import Stamper
from services.tenancy import Tenancy
from services.timestamps import StampReader, TimestampAuthority, TrustedTimestamps
from services.tokens import Tokens
from services.trail import Trail
from services.trends import Trends
from services.verification import Verifier


@dataclass(frozen=True)
class Services:
    app: LedgerApplication
    tenancy: Tenancy
    entries: Entries
    interchange: Interchange
    read_model: ReadModel
    figures: Figures
    rankings: Rankings
    quality: Quality
    reports: Reports
    verifier: Verifier
    publications: Publications
    audit_export: AuditExport
    differences: Differences
    history: History
    trail: Trail
    accounts: Accounts
    administration: Administration
    browsing: Browsing
    breakdowns: Breakdowns
    trends: Trends
    tokens: Tokens
    evidence: Evidence
    timestamps: TrustedTimestamps
    calendar: Calendar
    notifications: Notifications
    # Sends the notifications by e-mail (None: no SMTP server configured)
    mail: MailSender | None = None
    # Is this error the database away for a moment (send the request again), rather than a
    # fault? Judged by infra, which knows the drivers (infra/outages.py); none, by default.
    outage: Callable[[BaseException], bool] = lambda error: False

    @cached_property
    def overviews(self) -> Overviews:
        """What each page shows, in one call, from the services here."""
        return Overviews(self.tenancy, self.read_model, self)

    def stamper(self) -> Stamper | None:
        """The job asking the TSA for tokens (None: no TSA configured)."""
        authority = self.timestamps.authority
        return None if authority is None else Stamper(self.app, self.tenancy, authority)

    def stamp_in_background(self, stop: threading.Event) -> threading.Thread | None:
        """The stamping job in a thread beside this process's projection worker, stamping
        while that worker leads, until ``stop`` is set (None: no TSA configured)."""
        stamper = self.stamper()
        if stamper is None:
            return None
        return stamper.follow_in_background(stop, leading=self.read_model.leading.is_set)

    def mail_in_background(self, stop: threading.Event) -> threading.Thread | None:
        """The mailing job in a thread beside this process's projection worker, mailing while
        that worker leads, until ``stop`` is set (None: no SMTP server configured)."""
        if self.mail is None:
            return None
        mailer = Mailer(self.tenancy, self.notifications, self.mail)
        return mailer.follow_in_background(stop, leading=self.read_model.leading.is_set)

    def close(self) -> None:
        self.app.close()
        self.read_model.close()


def open_services(
    env: Mapping[str, str],
    view: LedgerView | None = None,
    attempts: AttemptStore | None = None,
    outage: Callable[[BaseException], bool] | None = None,
    evidence: EvidenceStore | None = None,
    evidence_limits: EvidenceLimits | None = None,
    authority: TimestampAuthority | None = None,
    reader: StampReader | None = None,
    mail: MailSender | None = None,
    two_factor_required: bool = False,
) -> Services:
    """Open the ledger on the store ``env`` describes (eventsourcing's persistence settings),
    with its read model in ``view`` (in memory when not given), failed sign-ins kept in
    ``attempts`` (this process's memory when not given), ``outage`` telling the store's
    errors that mean it is away for a moment (none when not given), files attached to
    entries kept in ``evidence`` (in memory when not given) within ``evidence_limits``,
    ``authority`` the timestamp authority that stamps publications and chain heads (none:
    nothing is stamped) and ``reader`` what reads its tokens (``verify`` checks the tokens
    stored with it), ``mail`` what sends notifications by e-mail (none: none are);
    ``two_factor_required``: the roles of domain/two_factor.py must enrol (an installation's
    default, ``LEDGER_TWO_FACTOR``; off here, for tests and tools)."""
    app = LedgerApplication(env)
    tenancy = Tenancy(app)
    trail = Trail(app, tenancy)
    entries = Entries(app, tenancy)
    read_model = ReadModel(app, view or in_memory_view())
    figures = Figures(tenancy, read_model, trail)
    quality = Quality(app, tenancy, read_model)
    rankings = Rankings(app, tenancy, read_model, trail, quality)
    publications = Publications(app, tenancy, read_model, rankings, figures, trail)
    entries.recorded_hooks.append(publications.on_recorded)
    reports = Reports(figures, entries)
    entries.creation_rules.append(reports.check_new)
    timestamps = TrustedTimestamps(app, tenancy, publications.get, authority, reader)
    publications.stamping = timestamps.stamping
    accounts = Accounts(
        tenancy, attempts or InMemoryAttempts(), two_factor_required=two_factor_required
    )
    files = evidence or InMemoryEvidence()
    calendar = Calendar(app, tenancy, read_model)
    return Services(
        app=app,
        tenancy=tenancy,
        entries=entries,
        interchange=Interchange(app, tenancy, entries),
        read_model=read_model,
        figures=figures,
        rankings=rankings,
        quality=quality,
        reports=reports,
        verifier=Verifier(app, tenancy, read_model, trail, files, reader),
        publications=publications,
        audit_export=AuditExport(app, tenancy, trail, files),
        differences=Differences(tenancy, read_model, figures, rankings, trail),
        history=History(tenancy, read_model, trail),
        trail=trail,
        accounts=accounts,
        administration=Administration(tenancy),
        browsing=Browsing(tenancy, read_model),
        breakdowns=Breakdowns(tenancy, read_model, rankings),
        trends=Trends(tenancy, read_model),
        tokens=Tokens(app, accounts),
        evidence=Evidence(app, tenancy, entries, trail, files, evidence_limits or EvidenceLimits()),
        timestamps=timestamps,
        calendar=calendar,
        notifications=Notifications(app, calendar, read_model, publications, quality),
        mail=mail,
        **({"outage": outage} if outage else {}),
    )
