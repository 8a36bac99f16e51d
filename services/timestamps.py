"""Trusted timestamps (RFC 3161) on what the county publishes and on the townships' chain
heads: the tokens recorded, read back and given out.

A timestamp authority (TSA) signs that a SHA-256 existed at a time. What asks it, and what
reads its replies, are ports that infra implements (``infra/tsa.py``, with rfc3161-client):
``TimestampAuthority`` and ``StampReader``. The asking itself is a background job
(``services/stamping.py``): publishing never waits for a TSA. docs/audit.md defines the
tokens and how a third party checks them.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from domain.access import Principal
from domain.chain import chain_uuid
from domain.errors import NotFound
from domain.timestamp import (
    Timestamps,
    chain_subject,
    publication_subject,
    timestamps_uuid,
)
from services.application import LedgerApplication
from services.tenancy import Tenancy


@dataclass(frozen=True)
class Stamp:
    """A TSA's token, checked: its reply (TimeStampResp, DER), the SHA-256 it stamps (hex),
    its time (genTime, UTC ISO text) and the authority (its certificate's subject, in words)."""

    reply: bytes
    sha256: str
    stamped_at: str
    authority: str


class AuthorityFailed(Exception):
    """The TSA gave no good token: it did not answer, answered an HTTP error or too late, or
    its reply is refused (``StampRefused``). Said in one line; tried again later."""


class StampRefused(AuthorityFailed):
    """A reply that is no good token for the hash asked: not a reply, not granted, not signed
    by the configured certificates, or over another hash (``other_hash``)."""

    def __init__(self, reason: str, *, other_hash: str | None = None) -> None:
        super().__init__(reason)
        self.other_hash = other_hash


class StampReader(Protocol):
    """Reads a TSA's reply and checks it against the hash it should stamp."""

    @property
    def signatures_checked(self) -> bool:
        """False where no certificates are configured: only the imprint is compared."""

    def read(self, reply: bytes, sha256: str, *, nonce: int | None = None) -> Stamp:
        """The token of ``reply`` if it is a good token over ``sha256`` (hex), else
        ``StampRefused``."""


class TimestampAuthority(Protocol):
    def stamp(self, data: bytes) -> Stamp:
        """A checked token over the SHA-256 of ``data``, else ``AuthorityFailed``."""


def record_stamp(
    app: LedgerApplication,
    subject: str,
    county: str,
    stamp: Stamp,
    *,
    kind: str,
    township: str | None = None,
    publication: str | None = None,
    link: int | None = None,
) -> None:
    """Record ``stamp`` among ``subject``'s tokens, without replaying them. A token recorded
    meanwhile by another worker makes the store refuse this one (the library's
    IntegrityError, which the caller takes as done)."""
    fields: dict[str, Any] = {
        "kind": kind,
        "sha256": stamp.sha256,
        "reply": base64.b64encode(stamp.reply).decode("ascii"),
        "stamped_at": stamp.stamped_at,
        "authority": stamp.authority,
        "publication": publication,
        "township": township,
        "link": link,
    }
    aggregate_id = timestamps_uuid(subject)
    last = app.recorder.select_events(aggregate_id, desc=True, limit=1)
    if not last:
        opened = Timestamps(subject, county, township)
        opened.stamp(**fields)
        app.save(opened)
        return
    app.save(
        Timestamps.Stamped(
            originator_id=aggregate_id,
            originator_version=last[0].originator_version + 1,
            timestamp=Timestamps.Stamped.create_timestamp(),
            **fields,
        )
    )


def latest_stamps(app: LedgerApplication, subjects: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Each subject's latest token as recorded (subjects without one are left out): its
    ``Stamped`` event's fields, ``reply`` in base64."""
    ids = {timestamps_uuid(subject): subject for subject in subjects}
    found = app.ledger_recorder.select_events_of(list(ids), last=True)
    latest = {}
    for aggregate_id, stored in found.items():
        event = app.mapper.to_domain_event(stored[-1])
        if isinstance(event, Timestamps.Stamped):
            latest[ids[aggregate_id]] = stamp_fields(event)
    return latest


def latest_stamp(app: LedgerApplication, subject: str) -> dict[str, Any] | None:
    stored = app.recorder.select_events(timestamps_uuid(subject), desc=True, limit=1)
    event = app.mapper.to_domain_event(stored[0]) if stored else None
    return stamp_fields(event) if isinstance(event, Timestamps.Stamped) else None


def stamp_fields(event: Timestamps.Stamped) -> dict[str, Any]:
    names = ("kind", "sha256", "reply", "stamped_at", "authority", "publication", "township")
    return {**{name: getattr(event, name) for name in names}, "link": event.link}


def shown(stamp: dict[str, Any] | None) -> dict[str, Any] | None:
    """What pages and lists show of a token: its time and authority."""
    return None if stamp is None else {k: stamp[k] for k in ("stamped_at", "authority")}


class TrustedTimestamps:
    """The tokens as people and scripts read them. ``stamping``: a TSA is configured, so a
    publication without a token is waiting for one."""

    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        publication: Callable[[Principal, str], Any],
        authority: TimestampAuthority | None = None,
        reader: StampReader | None = None,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.publication = publication  # a publication the principal sees, else NotFound
        self.authority = authority
        self.reader = reader

    @property
    def stamping(self) -> bool:
        return self.authority is not None

    def token(self, principal: Principal, *, publication_id: str) -> bytes:
        """The publication's token as the TSA answered it (TimeStampResp, DER). A publication
        without one yet answers as one the principal may not see: not found."""
        missing = NotFound("timestamp.not_found", field="id", id=publication_id)
        try:
            found = self.publication(principal, publication_id)
        except NotFound:
            raise missing from None
        stamp = latest_stamp(self.app, publication_subject(str(found.id)))
        if stamp is None:
            raise missing
        return base64.b64decode(stamp["reply"])

    def chain_heads(self, principal: Principal, *, county: str) -> list[dict[str, Any]]:
        """Each township of the county and its chain head's latest token: ``township``,
        ``stamp`` (``link``, ``sha256``, ``stamped_at``, ``authority``; None: none yet) and
        ``has_chain`` (False: nothing recorded, nothing to stamp)."""
        view = self.tenancy.county(principal, county)
        townships = sorted(view.townships)
        # A chain's tokens (one a day, the last read) and its version: two queries in all.
        stamps = latest_stamps(self.app, [chain_subject(t) for t in townships])
        chains = self.app.ledger_recorder.versions_of([chain_uuid(t) for t in townships])
        rows = []
        for township in townships:
            stamp = stamps.get(chain_subject(township))
            seen = None
            if stamp is not None:
                seen = {k: stamp[k] for k in ("link", "sha256", "stamped_at", "authority")}
            has_chain = stamp is not None or chain_uuid(township) in chains
            rows.append({"township": township, "stamp": seen, "has_chain": has_chain})
        return rows
