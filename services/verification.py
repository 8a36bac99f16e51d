"""``verify``: the townships' hash chains, the publications' anchors, and the read model
against a replay of the log. Names the first record that does not match.

Everything is read from the store as it is (the notification log, page by page) and checked
against what the chains recorded when the events were saved: see docs/audit.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from domain.access import Principal, Role
from domain.chain import GENESIS, Chain, chain_uuid
from domain.entry import Entry, entry_uuid
from domain.errors import Forbidden
from domain.evidence import ATTACHED
from domain.publication import Publication
from domain.rights import RightsChain, rights_chain_uuid
from domain.timestamp import Timestamps
from services.application import LedgerApplication
from services.chains import event_hash, link_hash, sha256
from services.evidence_store import EvidenceStore
from services.read_model import ReadModel
from services.replay_check import check_read_model
from services.rights import check_rights, is_rights_event
from services.tenancy import Tenancy
from services.timestamp_check import TIMESTAMP_KINDS, check_stamps
from services.timestamps import StampReader
from services.trail import Trail

PAGE = 2_000
EntryKey = tuple[UUID, int]  # an entry's aggregate id and an event's version


# What a finding can be (``Finding.kind``): pages word each kind in the user's language.
KINDS = (
    "unreadable",  # a stored record that cannot be decoded
    "misfiled",  # an event stored under another entry's id
    "misfiled_link",  # a link stored in another township's chain
    "uncovered",  # an event no link covers (inserted afterwards)
    "link_missing",  # a link of the chain is gone
    "link_broken",  # a link does not follow the previous link's hash
    "link_altered",  # a link's content does not match its hash
    "twice",  # an event covered by two links
    "event_missing",  # an event a link covers is gone
    "event_altered",  # an event differs from what its link recorded
    "anchor_lost",  # a publication's anchored link is no longer on the chain
    "anchor_differs",  # a publication's anchored link differs on the chain
    "read_model",  # the read model differs from a replay of the log
    "evidence_missing",  # a file an entry carries is not in the evidence store
    "evidence_altered",  # a file in the evidence store differs from its SHA-256
    *TIMESTAMP_KINDS,  # a trusted timestamp's token does not stamp what it is recorded with
    "rights_link",  # a rights chain's link does not follow the one before, or its hash
    "rights_missing",  # a rights event a rights chain covers is gone
    "rights_altered",  # a rights event differs from what its link recorded
    "rights_uncovered",  # a rights event no rights chain covers (inserted afterwards)
)


@dataclass(frozen=True, order=True)
class Finding:
    """A record that does not match: where it is in the log, and what differs."""

    position: int
    township: str | None = None
    entry_id: str | None = None
    version: int | None = None
    what: str = ""
    # What kind of mismatch, for pages to word it: one of KINDS
    kind: str = field(default="", compare=False)

    def __str__(self) -> str:
        where = [f"township {self.township}"] if self.township else []
        if self.entry_id is not None:
            where.append(f"entry {self.entry_id}")
        if self.version is not None:
            where.append(f"version {self.version}")
        where.append(f"position {self.position}")
        return f"{', '.join(where)}: {self.what}"


@dataclass
class Scan:
    """The part of the log a verification covers, decoded once."""

    townships: set[str] | None  # None: every township
    events: dict[EntryKey, tuple[int, Entry.Event]] = field(default_factory=dict)
    links: dict[str, list[tuple[int, Chain.Linked]]] = field(default_factory=dict)
    anchors: list[tuple[int, Any]] = field(default_factory=list)  # (position, publication)
    stamps: list[tuple[int, Any]] = field(default_factory=list)  # (position, token)
    findings: list[Finding] = field(default_factory=list)
    position: int = 0
    # The rights chains read (their ids: None, every one), their links, and rights events.
    rights_chains: set[UUID] | None = None
    rights_links: list[tuple[int, Any]] = field(default_factory=list)
    rights: dict[tuple[UUID, int], tuple[int, Any]] = field(default_factory=dict)

    def wants(self, township: str) -> bool:
        return self.townships is None or township in self.townships

    def wants_rights(self, chain_id: UUID) -> bool:
        return self.rights_chains is None or chain_id in self.rights_chains


@dataclass(frozen=True)
class Verification:
    townships: int
    events: int
    links: int
    anchors: int
    position: int
    findings: tuple[Finding, ...]
    files: int = 0  # evidence files checked against their SHA-256
    timestamps: int = 0  # trusted timestamps' tokens checked
    timestamps_unchecked: int = 0  # tokens left unchecked: no certificates configured

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def summary(self) -> str:
        if self.findings:
            more = len(self.findings) - 1
            return f"{self.findings[0]}" + (f" (and {more} more)" if more else "")
        return (
            f"verified up to position {self.position}: {self.townships} township chain(s),"
            f" {self.events} event(s), {self.links} link(s), {self.anchors} publication"
            f" anchor(s), {self.files} evidence file(s){self._timestamps()}; the read model"
            " matches a replay"
        )

    def _timestamps(self) -> str:
        said = f", {self.timestamps} timestamp token(s)" if self.timestamps else ""
        if self.timestamps_unchecked:
            said += (
                f" ({self.timestamps_unchecked} timestamp token(s) not checked:"
                " LEDGER_TSA_CERTS is not set)"
            )
        return said


def scan(
    app: LedgerApplication, townships: set[str] | None, rights: set[str] | None = None
) -> Scan:
    """The log, decoded once: the entries, links, anchors and stamps of ``townships`` (None:
    all) and the rights chains of the scopes ``rights`` (None: all) with rights events."""
    chains = None if rights is None else {rights_chain_uuid(s) for s in rights}
    found = Scan(townships, rights_chains=chains)
    for position, stored in _notifications(app):
        found.position = position
        try:
            record = app.mapper.to_domain_event(stored)
        except Exception as error:  # a record altered past reading is itself the finding
            found.findings.append(
                Finding(
                    position,
                    what=f"the record cannot be read ({type(error).__name__})",
                    kind="unreadable",
                )
            )
            continue
        _take(found, position, stored.originator_id, record)
    return found


def _take(found: Scan, position: int, originator_id: UUID, record: Any) -> None:
    if isinstance(record, Entry.Event):
        if not found.wants(record.township):
            return
        if originator_id != entry_uuid(record.township, record.entry_id):
            found.findings.append(
                Finding(
                    position,
                    record.township,
                    record.entry_id,
                    record.originator_version,
                    "the record is stored under another entry's id",
                    "misfiled",
                )
            )
        found.events[(originator_id, record.originator_version)] = (position, record)
    elif isinstance(record, Chain.Linked):
        if not found.wants(record.township):
            return
        if originator_id != chain_uuid(record.township):
            found.findings.append(
                Finding(
                    position,
                    record.township,
                    version=record.originator_version,
                    what="a link stored in another township's chain",
                    kind="misfiled_link",
                )
            )
        found.links.setdefault(record.township, []).append((position, record))
    elif isinstance(record, Publication.Published):
        found.anchors.append((position, record))
    elif isinstance(record, Timestamps.Stamped):
        found.stamps.append((position, record))
    elif isinstance(record, RightsChain.Event):
        if found.wants_rights(originator_id):
            found.rights_links.append((position, record))
    elif is_rights_event(record):
        found.rights[(originator_id, record.originator_version)] = (position, record)


def _notifications(app: LedgerApplication) -> Iterator[tuple[int, Any]]:
    start = 1
    while True:
        page = app.recorder.select_notifications(start=start, limit=PAGE)
        for notification in page:
            yield notification.id, notification
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def check_chains(found: Scan) -> dict[str, dict[int, str]]:
    """Every link against its content and the link before; every covered event against its
    hash, once; every event in scope covered. Returns each chain's hashes by version."""
    covered: dict[EntryKey, int] = {}
    chains = {}
    for township, links in found.links.items():
        chains[township] = _check_chain(found, township, links, covered)
    for key, (position, event) in found.events.items():
        if key not in covered:
            found.findings.append(
                Finding(
                    position,
                    event.township,
                    event.entry_id,
                    event.originator_version,
                    "the event is covered by no link of the township's chain",
                    "uncovered",
                )
            )
    return chains


def _check_chain(found, township, links, covered) -> dict[int, str]:
    hashes: dict[int, str] = {}
    previous = GENESIS
    for expected, (position, link) in enumerate(sorted(links, key=_version), start=1):
        version = link.originator_version
        if version != expected:
            found.findings.append(
                Finding(
                    position,
                    township,
                    version=expected,
                    what=f"link {expected} is missing",
                    kind="link_missing",
                )
            )
            return hashes
        if link.previous != previous:
            what = f"link {version} does not follow link {version - 1}'s hash"
            found.findings.append(
                Finding(position, township, version=version, what=what, kind="link_broken")
            )
        items = link.covered
        if link_hash(township, version, link.previous, items) != link.sha256:
            what = f"link {version}'s hash does not match its content"
            found.findings.append(
                Finding(position, township, version=version, what=what, kind="link_altered")
            )
        hashes[version] = previous = link.sha256
        for entry_id, _type, event_version, digest in items:
            _check_covered(found, township, version, position, covered, entry_id, event_version)
            _check_event(found, township, version, position, entry_id, event_version, digest)
            covered[(entry_uuid(township, entry_id), event_version)] = version
    return hashes


def _check_covered(found, township, link, position, covered, entry_id, version) -> None:
    earlier = covered.get((entry_uuid(township, entry_id), version))
    if earlier is not None:
        what = f"covered twice, by links {earlier} and {link}"
        found.findings.append(Finding(position, township, entry_id, version, what, "twice"))


def _check_event(found, township, link, link_position, entry_id, version, digest) -> None:
    key = (entry_uuid(township, entry_id), version)
    stored = found.events.get(key)
    if stored is None:
        what = f"covered by link {link} but missing from the ledger"
        found.findings.append(
            Finding(link_position, township, entry_id, version, what, "event_missing")
        )
        return
    position, event = stored
    actual = event_hash(event)
    if actual != digest:
        what = (
            f"the stored event differs from what link {link} recorded"
            f" (sha256 {actual[:12]}…, recorded {digest[:12]}…)"
        )
        found.findings.append(Finding(position, township, entry_id, version, what, "event_altered"))


def check_evidence(found: Scan, store: EvidenceStore) -> int:
    """Every file an entry's ``evidence_attached`` names, against its SHA-256 in the evidence
    store (each file read once); a missing or altered one is named with every entry that
    carries it. Returns the number of files checked."""
    judged: dict[str, str | None] = {}  # by SHA-256: what is wrong with the file (None: fine)
    for key, (position, event) in sorted(found.events.items(), key=lambda item: item[1][0]):
        if event.TYPE != ATTACHED:
            continue
        digest = event.sha256
        if digest not in judged:
            data = store.get(digest)
            judged[digest] = (
                "evidence_missing"
                if data is None
                else "evidence_altered"
                if sha256(data) != digest
                else None
            )
        kind = judged[digest]
        if kind is not None:
            state = "is missing from" if kind == "evidence_missing" else "differs in"
            what = f"the file {event.name!r} (sha256 {digest}) {state} the evidence store"
            found.findings.append(
                Finding(position, event.township, event.entry_id, key[1], what, kind)
            )
    return len(judged)


def _version(item: tuple[int, Chain.Linked]) -> int:
    return item[1].originator_version


def check_anchors(found: Scan, chains: dict[str, dict[int, str]]) -> int:
    """Each publication's chain heads must still be on the chains (a truncated tail is not)."""
    count = 0
    for position, publication in found.anchors:
        for township, (version, digest) in sorted(publication.chain_heads.items()):
            if not found.wants(township):
                continue
            count += 1
            on_chain = chains.get(township, {}).get(version)
            if on_chain == digest:
                continue
            state = "is no longer on the chain" if on_chain is None else "differs on the chain"
            what = (
                f"publication {publication.originator_id} anchored link {version} ({digest[:12]}…),"
                f" which {state}"
            )
            kind = "anchor_lost" if on_chain is None else "anchor_differs"
            found.findings.append(
                Finding(position, township, version=version, what=what, kind=kind)
            )
    return count


class Verifier:
    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        read_model: ReadModel,
        trail: Trail,
        evidence: EvidenceStore,
        reader: StampReader | None = None,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.read_model = read_model
        self.trail = trail
        self.evidence = evidence
        self.reader = reader  # reads the trusted timestamps' tokens (None: not configured)

    def verify(
        self, principal: Principal, *, township: str | None = None, county: str | None = None
    ) -> Verification:
        """The chains, anchors and read model of one township, of a county (the principal's
        own when neither is given), or of the whole installation (the operator)."""
        principal.check_audits()
        scope = self._scope(principal, township, county or principal.county)
        rights = self._rights_scope(township, county or principal.county)
        found = scan(self.app, scope, rights)
        found.findings.extend(
            Finding(f.position, what=f.what, kind=f.kind)
            for f in check_rights(found.rights_links, found.rights)
        )
        chains = check_chains(found)
        anchors = check_anchors(found, chains)  # their findings join the chains'
        files = check_evidence(found, self.evidence)  # and the evidence files'
        stamps = check_stamps(found, chains, self.reader, Finding)
        chain_findings = sorted(found.findings)
        townships = set(found.links) | {e.township for _, e in found.events.values()}
        try:
            position, mismatches = check_read_model(self.app, self.read_model, sorted(townships))
        except Exception:  # a record past reading stops any projection: named already
            if not chain_findings:
                raise
            position, mismatches = found.position, []
        model_findings = [
            Finding(p, t, e, None, what, "read_model") for p, t, e, what in mismatches
        ]
        return Verification(
            townships=len(chains),
            events=len(found.events),
            links=sum(len(links) for links in found.links.values()),
            anchors=anchors,
            position=position,
            # Chains and anchors first: a read model that differs follows from them, if they fail
            findings=(*chain_findings, *sorted(model_findings)),
            files=files,
            timestamps=stamps if self.reader else 0,
            timestamps_unchecked=0 if self.reader else stamps,
        )

    @staticmethod
    def _rights_scope(township: str | None, county: str | None) -> set[str] | None:
        """The rights chains a verification covers: its county's (none for one township's;
        every one for the installation's)."""
        if township is not None:
            return set()
        return {county} if county is not None else None

    def _scope(
        self, principal: Principal, township: str | None, county: str | None
    ) -> set[str] | None:
        if township is not None:
            self.trail.note_township(principal, township=township, action="verification")
            return {self.tenancy.township(principal, township).code}
        if county is not None:
            view = self.tenancy.county(principal, county)
            self.trail.note(principal, county=view.code, action="verification", subject=view.code)
            return set(view.townships)
        if principal.role is not Role.OPERATOR:
            raise Forbidden("verify.needs_township")
        return None
