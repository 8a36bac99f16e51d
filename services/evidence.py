"""Evidence attached to entries: files judged from their content, stored by their SHA-256 in
the evidence store, named by an ``evidence_attached`` event of the entry (so the township's
hash chain covers them); retracted with a reason, never deleted; given back to whoever may see
an entry that carries them (docs/audit.md "Evidence").
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from eventsourcing.persistence import IntegrityError

from domain import values
from domain.access import Principal
from domain.entry import Entry
from domain.errors import Conflict, InvalidField, NotFound
from domain.evidence import ATTACHED, EXTENSIONS, RETRACTED, Carried, EvidenceIndex, index_uuid
from services.application import LedgerApplication
from services.entries import RECORD_ATTEMPTS, RECORDED, REPEAT, Entries, UnitOfWork
from services.evidence_files import FIELD, THUMBNAIL_TYPE, judge
from services.evidence_store import EvidenceStore, thumbnail_key
from services.tenancy import Tenancy
from services.trail import Trail

MIB = 2**20
FILE_FIELDS = ("sha256", "size", "media_type", "name")


@dataclass(frozen=True)
class EvidenceLimits:
    """What an entry may carry: files of at most ``max_bytes``, at most ``max_files`` of them
    (``LEDGER_EVIDENCE_MAX_BYTES``, ``LEDGER_EVIDENCE_MAX_FILES``)."""

    max_bytes: int = 20 * MIB
    max_files: int = 50


@dataclass(frozen=True)
class Attached:
    township: str
    entry_id: str
    sha256: str
    size: int
    media_type: str
    name: str
    status: str  # "recorded", or "repeat" when the entry carried these bytes already
    position: int | None = None

    def document(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("sha256", "size", "media_type", "name")}


@dataclass(frozen=True)
class Withdrawn:
    township: str
    entry_id: str
    sha256: str
    status: str  # "recorded", or "repeat" when the file was retracted already
    position: int | None = None


@dataclass(frozen=True)
class EvidenceFile:
    sha256: str
    media_type: str
    name: str
    data: bytes


class Evidence:
    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        entries: Entries,
        trail: Trail,
        store: EvidenceStore,
        limits: EvidenceLimits,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.entries = entries
        self.trail = trail
        self.store = store
        self.limits = limits

    def attach(
        self,
        principal: Principal,
        *,
        township: str,
        entry_id: str,
        name: str,
        content: BinaryIO | None,
    ) -> Attached:
        """Attach one file (``content``; None: none was sent) to an entry: ``attach_files``."""
        files = [] if content is None else [(name, content)]
        (attached,) = self.attach_files(
            principal, township=township, entry_id=entry_id, files=files
        )
        return attached

    def attach_files(
        self,
        principal: Principal,
        *,
        township: str,
        entry_id: str,
        files: Sequence[tuple[str, BinaryIO]],
    ) -> list[Attached]:
        """Attach files (each its name and content) to an entry, with the rights of recording
        it: all or none. Everything is checked first (the entry, the rights, every file's
        content, the entry's room); then the bytes are stored, then the events recorded in
        one transaction. Bytes the entry carries already record nothing (``repeat``)."""
        code, entry = self._entry(principal, township, entry_id, ATTACHED)
        if not files:
            raise InvalidField(FIELD, "field.required")
        judged = [self._judged(name, content) for name, content in files]
        entry.check_attach_all([fields["sha256"] for fields, _ in judged], self.limits.max_files)
        for _, made in judged:
            for key, data in made.items():
                self.store.put(key, data)
        every = [fields for fields, _ in judged]
        position, recorded = self._record(principal, code, entry.entry_id, ATTACHED, every)
        carried = {c.sha256: c for c in self.listing(principal, township=code, entry_id=entry_id)}
        return [
            Attached(
                code,
                entry.entry_id,
                **carried[fields["sha256"]].document(*FILE_FIELDS),  # as the entry names it
                status=RECORDED if done else REPEAT,
                position=position if done else None,
            )
            for fields, done in zip(every, recorded, strict=True)
        ]

    def judge(self, name: str, data: bytes) -> None:
        """Refuse a file no entry may carry (its type, size or content), as attaching would."""
        self._judged(name, io.BytesIO(data))

    def _judged(self, given: str, content: BinaryIO) -> tuple[dict[str, Any], dict[str, bytes]]:
        """A file's event fields, and what to store (its bytes and thumbnail) by key; refused
        naming the field ``file`` and the file."""
        name = base_name(given)
        data = content.read(self.limits.max_bytes + 1)
        if len(data) > self.limits.max_bytes:
            most = self.limits.max_bytes // MIB
            raise InvalidField(FIELD, "evidence.too_large", name=name or FIELD, most=most)
        judged = judge(data, name or FIELD)
        digest = hashlib.sha256(data).hexdigest()
        fields = {
            "sha256": digest,
            "size": len(data),
            "media_type": judged.media_type,
            "name": values.text(FIELD, name or f"{digest[:16]}{EXTENSIONS[judged.media_type]}"),
        }
        made = {digest: data}
        if judged.thumbnail is not None:
            made[thumbnail_key(digest)] = judged.thumbnail
        return fields, made

    def retract(
        self, principal: Principal, *, township: str, entry_id: str, sha256: str, reason: Any
    ) -> Withdrawn:
        """Withdraw a file from an entry, with a reason; its bytes stay readable."""
        code, entry = self._entry(principal, township, entry_id, RETRACTED)
        fields = {"sha256": values.digest("sha256", sha256), "reason": reason}
        position, (done,) = self._record(principal, code, entry.entry_id, RETRACTED, [fields])
        status = RECORDED if done else REPEAT
        return Withdrawn(code, entry.entry_id, fields["sha256"], status, position if done else None)

    def listing(self, principal: Principal, *, township: str, entry_id: str) -> tuple[Carried, ...]:
        """The files an entry carries (retracted ones too), in the order attached."""
        return self.entries.entry(principal, township=township, entry_id=entry_id).evidence

    def file(self, principal: Principal, *, sha256: str, thumbnail: bool = False) -> EvidenceFile:
        """A file's bytes (or its thumbnail's), for whoever may see an entry that carries it;
        anyone else is told there is no such file, as for one that does not exist."""
        digest = values.digest("sha256", sha256)
        missing = NotFound("evidence.not_found", field="sha256", sha256=digest)
        carried = self._visible(principal, digest, note=not thumbnail)
        if carried is None:
            raise missing
        key = thumbnail_key(digest) if thumbnail else digest
        data = self.store.get(key)
        if data is None:
            raise missing
        media_type = THUMBNAIL_TYPE if thumbnail else carried.media_type
        return EvidenceFile(digest, media_type, carried.name, data)

    def _visible(self, principal: Principal, digest: str, *, note: bool) -> Carried | None:
        """The file as the first entry carrying it that the principal may see names it; an
        auditor's look at it ``note``d in the county's trail (a thumbnail beside its entry's
        history is not: the history's look is)."""
        index = UnitOfWork(self.app).get_aggregate(index_uuid(digest))
        for township, entry_id in index.entries if index else ():
            try:
                self.tenancy.township(principal, township)
            except NotFound:
                continue
            view = self.entries.entry(principal, township=township, entry_id=entry_id)
            if note:
                action = f"evidence {digest} of entry {entry_id}"
                self.trail.note_township(principal, township=township, action=action)
            return next(c for c in view.evidence if c.sha256 == digest)
        return None

    def _entry(
        self, principal: Principal, township: Any, entry_id: Any, type_: str
    ) -> tuple[str, Entry]:
        """The entry, if the principal may record ``type_`` on it (as recording it)."""
        code = self.tenancy.township(principal, values.code_text("township", township)).code
        principal.check_records(type_)
        entry_id = values.entry_id("id", entry_id)
        entry = UnitOfWork(self.app).get(code, entry_id)
        if entry is None:
            raise NotFound("entry.not_found", field="id", id=entry_id, township=code)
        principal.check_records(entry.type)
        return code, entry

    def _record(
        self, principal: Principal, code: str, entry_id: str, type_: str, every: list[dict]
    ) -> tuple[int | None, list[bool]]:
        """Record an event for each of ``every`` (and, for a file new to the entry, its
        index) in one transaction, reading the entry afresh once more if another writer
        changed it first; which of them were recorded (the others were repeats)."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            uow = UnitOfWork(self.app)
            entry = uow.get(code, entry_id)
            assert entry is not None  # entries are never deleted
            occurred_on = max(values.today(), entry.occurred_on)
            done = [
                self._change(uow, principal, entry, type_, fields, occurred_on) for fields in every
            ]
            try:
                return uow.save(), done
            except IntegrityError:
                if attempt == RECORD_ATTEMPTS:
                    raise Conflict("entry.changed_meanwhile", field="id", id=entry_id) from None
        raise AssertionError("unreachable")

    def _change(
        self,
        uow: UnitOfWork,
        principal: Principal,
        entry: Entry,
        type_: str,
        fields: dict,
        occurred_on: date,
    ) -> bool:
        actor = principal.username
        if type_ == RETRACTED:
            changed = entry.retract_evidence(occurred_on=occurred_on, actor=actor, fields=fields)
        else:
            most = self.limits.max_files
            changed = entry.attach_evidence(
                occurred_on=occurred_on, actor=actor, fields=fields, most=most
            )
        if changed:
            uow.changed(entry)
            if type_ == ATTACHED:
                index = uow.get_aggregate(index_uuid(fields["sha256"]))
                index = index or EvidenceIndex(sha256=fields["sha256"])
                index.carried_by(entry.township, entry.entry_id)
                uow.changed(index)
        return changed


def base_name(given: Any) -> str:
    """The file's own name without any folder a browser may send (C:\\fakepath\\x.pdf); empty
    for a file sent without a name (it is then named by its hash)."""
    return str(given or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
