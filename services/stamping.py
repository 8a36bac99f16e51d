"""The stamping job: every publication, and once a day every township's chain head, sent to
the timestamp authority for a token, in the background (the projection worker's process),
so that publishing never waits for a TSA.

The job reads the log from where it stopped, for what it stamps: the publications (their
``Published`` events) and the townships with a chain (their chains' first links). At start
it reads the whole log for them, by topic. A publication without a token is sent; a TSA that
does not answer, answers an error or too late, or answers with anything but a good token
over the hash sent (``AuthorityFailed``) ends the round: nothing is recorded, the failure is
logged, and the round is tried again later, waiting twice as long each time (at most
``RETRY_MOST`` seconds). Once the publications have their tokens, on a new day (the
installation's day) each township's chain head is sent, unless its token already stamps
that head (a chain that did not move is not stamped again).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.access import Principal
from domain.chain import Chain, chain_uuid, link_body
from domain.moments import local_day
from domain.publication import Publication
from domain.timestamp import CHAIN_HEAD, PUBLICATION, chain_subject, publication_subject
from services.application import LedgerApplication
from services.chains import canonical, sha256
from services.jobs import follow_rounds, in_background
from services.tenancy import Tenancy
from services.timestamps import (
    AuthorityFailed,
    TimestampAuthority,
    latest_stamp,
    latest_stamps,
    record_stamp,
)

log = logging.getLogger("ledger.timestamps")
PAGE = 1_000  # notifications read at once
INTERVAL = 5.0  # seconds between rounds while the TSA answers
RETRY_MOST = 300.0  # seconds, at most, between rounds while it does not
TOPICS = (get_topic(Publication.Published), get_topic(Chain.Started))


def today() -> date:
    """The installation's day now."""
    return local_day(datetime.now(UTC))


@dataclass
class Round:
    stamped: int = 0
    failed: int = 0


class Stamper:
    """The job; ``step`` is one round, ``follow`` runs rounds until stopped."""

    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        authority: TimestampAuthority,
        *,
        day: Callable[[], date] = today,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.authority = authority
        self.day = day
        self.position = 0  # the log read up to here
        self.waiting: list[str] = []  # publications without a token, oldest first
        self.chains: set[str] = set()  # townships with a chain
        self.heads_stamped_on: date | None = None

    def step(self) -> Round:
        """One round: what was recorded since, the publications waiting, and the chain heads
        when the day has changed since they were last all stamped."""
        self._read_log()
        done = Round()
        self._stamp_publications(done)
        day = self.day()
        if not done.failed and self.heads_stamped_on != day:
            self._stamp_heads(done)
            if not done.failed:
                self.heads_stamped_on = day
        return done

    def _read_log(self) -> None:
        end = self.app.recorder.max_notification_id() or 0
        while self.position < end:
            page = self.app.recorder.select_notifications(
                start=self.position + 1, limit=PAGE, stop=end, topics=TOPICS
            )
            published = []
            for notification in page:
                if notification.topic == TOPICS[0]:
                    published.append(str(notification.originator_id))
                else:
                    self._take_chain(notification)
            stamped = latest_stamps(self.app, [publication_subject(p) for p in published])
            self.waiting += [p for p in published if publication_subject(p) not in stamped]
            self.position = page[-1].id if len(page) == PAGE else end

    def _take_chain(self, notification) -> None:
        try:
            self.chains.add(self.app.mapper.to_domain_event(notification).township)
        except Exception:  # a record altered past reading: verify names it; the rest go on
            log.error("the chain's first link at position %s cannot be read", notification.id)

    def _stamp_publications(self, done: Round) -> None:
        for publication_id in list(self.waiting):
            publication = self._publication(publication_id)
            data = publication.document.encode("utf-8") if publication else b""
            if publication is None or sha256(data) != publication.sha256:
                # verify names it; it is never stamped
                log.error(
                    "publication %s cannot be read, or no longer matches its SHA-256",
                    publication_id,
                )
                self.waiting.remove(publication_id)
                continue
            if not self._stamp(done, data, publication_subject(publication_id), publication):
                self.waiting.remove(publication_id)  # the next rounds try the others first
                self.waiting.append(publication_id)
                return
            self.waiting.remove(publication_id)

    def _stamp_heads(self, done: Round) -> None:
        for township in sorted(self.chains):
            head = self._head(township)
            if head is None:
                continue
            last = latest_stamp(self.app, chain_subject(township))
            if last is not None and last["link"] == head.originator_version:
                continue
            data = canonical(
                link_body(township, head.originator_version, head.previous, head.covered)
            )
            if sha256(data) != head.sha256:  # verify names it; never stamp it
                log.error("township %s: its chain's head does not match its hash", township)
                continue
            if not self._stamp(done, data, chain_subject(township), head):
                return

    def _publication(self, publication_id: str) -> Publication | None:
        """The publication; None if its record is past reading (``verify`` names it)."""
        try:
            return self.app.repository.get(UUID(publication_id))
        except Exception:
            # Raises again while the database is away: the round fails, and is tried later
            self.app.recorder.max_notification_id()
            return None

    def _head(self, township: str) -> Chain.Linked | None:
        stored = self.app.recorder.select_events(chain_uuid(township), desc=True, limit=1)
        return self.app.mapper.to_domain_event(stored[0]) if stored else None

    def _stamp(self, done: Round, data: bytes, subject: str, what) -> bool:
        """Ask a token over ``data`` for ``subject`` and record it; False if the TSA failed."""
        try:
            stamp = self.authority.stamp(data)
        except AuthorityFailed as failure:
            done.failed += 1
            log.warning("no timestamp for %s: %s; tried again later", subject, failure)
            return False
        if isinstance(what, Publication):
            kind, township, county = PUBLICATION, what.township, what.county
            fields = {"publication": str(what.id)}
        else:
            kind, township = CHAIN_HEAD, what.township
            county = self.tenancy.township(Principal.operator(), township).county
            fields = {"link": what.originator_version}
        try:
            record_stamp(self.app, subject, county, stamp, kind=kind, township=township, **fields)
        except IntegrityError:  # another worker recorded one first
            return True
        done.stamped += 1
        log.info("timestamped %s at %s by %s", subject, stamp.stamped_at, stamp.authority)
        return True

    def follow(
        self,
        stop: threading.Event,
        *,
        leading: Callable[[], bool] = lambda: True,
        interval: float = INTERVAL,
        retry_most: float = RETRY_MOST,
    ) -> None:
        """Rounds until ``stop`` is set, while this worker leads (services/jobs.py)."""
        follow_rounds(
            self.step,
            stop,
            what="timestamps",
            leading=leading,
            interval=interval,
            retry_most=retry_most,
        )

    def follow_in_background(self, stop: threading.Event, **options) -> threading.Thread:
        """``follow`` in a daemon thread of this process, until ``stop`` is set."""
        return in_background(lambda: self.follow(stop, **options), "ledger-timestamps")
