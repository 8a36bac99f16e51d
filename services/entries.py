"""Recording township entries: one code path for the API, the pages, the CLI and imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain import values
from domain.access import Principal
from domain.catalogue import ALL_TYPES, CREATIONS, RETRACTION
from domain.chain import Covered
from domain.entry import Entry, entry_uuid
from domain.errors import Conflict, InvalidField, LedgerError, NotFound, RuleBroken
from domain.inspection import Inspection
from services.application import LedgerApplication
from services.chains import covered
from services.tenancy import Tenancy

Batch = tuple[list[Any], list[StoredEvent]]  # events, and each as it will be stored
# What a stored event costs a transaction beyond its state: its id, version, topic, row.
EVENT_OVERHEAD = 200
RECORDED = "recorded"
# A save refused because another writer changed the same entry first is tried once more,
# reading the entry afresh (writers to one township's hash chain wait for each other instead).
RECORD_ATTEMPTS = 2
REPEAT = "repeat"


@dataclass(frozen=True)
class Recorded:
    township: str
    entry_id: str
    type: str
    status: str  # "recorded", or "repeat" when the same line was already in the ledger
    position: int | None = None  # the log position written, for read-your-writes waits


@dataclass(frozen=True)
class HistoryItem:
    type: str
    occurred_on: date
    recorded_by: str
    recorded_at: datetime
    fields: dict[str, Any]


@dataclass(frozen=True)
class EntryView:
    township: str
    entry_id: str
    type: str
    occurred_on: date
    retracted: bool
    history: tuple[HistoryItem, ...]
    retractable: bool = False  # by the principal who asked (``Principal.check_retracts``)
    open_follow_ups: tuple[str, ...] = ()  # what the entry takes now (its retraction included)


class UnitOfWork:
    """Entries loaded and changed by one command or one import, saved together in order.

    ``optimistic``: a new entry is written without first reading whether its id exists; the
    store's unique key refuses it if it does, and the command is then tried again reading.
    """

    def __init__(self, app: LedgerApplication, *, optimistic: bool = False) -> None:
        self.app = app
        self.optimistic = optimistic
        self.entries: dict[UUID, Entry | None] = {}
        self.events: list[Any] = []  # staged, in the order they were made
        self.stored: list[StoredEvent] = []  # each of them as it will be stored
        self.covered: dict[tuple[UUID, int], Covered] = {}  # each entry event's hash (chains)
        self._keys: dict[tuple[str, str], UUID] = {}

    def key(self, township: str, entry_id: str) -> UUID:
        """An entry's aggregate id, worked out once per unit of work (uuid5 hashes: an import
        asked for each line's twice)."""
        key = self._keys.get((township, entry_id))
        if key is None:
            key = self._keys[(township, entry_id)] = entry_uuid(township, entry_id)
        return key

    def prefetch(self, keys: Iterable[UUID]) -> None:
        """Load many entries in one query per chunk (the in-memory store: one per entry)."""
        missing = list(dict.fromkeys(k for k in keys if k not in self.entries))
        found = self.app.ledger_recorder.select_events_of(missing)
        for key in missing:
            entry = None
            for stored in found.get(key, ()):
                entry = self.app.mapper.to_domain_event(stored).mutate(entry)
            self.entries[key] = entry

    def get_aggregate(self, key: UUID) -> Any:
        """Any aggregate of the ledger by id (prefetched or read now); None when none."""
        if key not in self.entries:
            try:
                self.entries[key] = self.app.repository.get(key)
            except AggregateNotFoundError:
                self.entries[key] = None
        return self.entries[key]

    def get(self, township: str, entry_id: str, *, creating: bool = False) -> Entry | None:
        key = self.key(township, entry_id)
        if key not in self.entries and creating and self.optimistic:
            return None  # a new entry is written without reading: the store refuses a taken id
        return self.get_aggregate(key)

    def changed(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        self.stage(entry)

    def stage(self, aggregate: Any) -> None:
        events, stored = self.encode(aggregate)
        self.events.extend(events)
        self.stored.extend(stored)

    def encode(self, aggregate: Any) -> Batch:
        """The aggregate's new events, and each encoded as it will be stored (and, for an
        entry's, hashed as its township's hash chain covers it, kept for the save): whatever
        the stores could not hold is refused here, before anything is written."""
        events = aggregate.collect_events()
        try:
            stored = [self.app.mapper.to_stored_event(e) for e in events]
            for event in events:
                if isinstance(event, Entry.Event):
                    self.covered[(event.originator_id, event.originator_version)] = covered(event)
        except (ValueError, TypeError, OverflowError, RecursionError) as error:
            raise LedgerError("value.unstorable", kind=type(error).__name__) from None
        return events, stored

    def batches(self, max_events: int, max_bytes: int) -> list[Batch]:
        """The staged events in order, cut into transactions of at most ``max_events`` events
        and about ``max_bytes`` bytes (a single larger event has a transaction of its own)."""
        batches: list[Batch] = []
        size = max_bytes + 1
        for event, stored in zip(self.events, self.stored, strict=True):
            weight = len(stored.state) + EVENT_OVERHEAD
            if size + weight > max_bytes or len(batches[-1][0]) >= max_events:
                batches.append(([], []))
                size = 0
            batches[-1][0].append(event)
            batches[-1][1].append(stored)
            size += weight
        return batches

    def save(self) -> int | None:
        """Save the staged events in one transaction; returns the last log position written
        (None when there was nothing to save)."""
        position = self.write([(self.events, self.stored)]) if self.events else None
        self.events, self.stored = [], []
        return position

    def write(
        self, batches: Iterable[Batch], progress: Callable[[int], None] | None = None
    ) -> int | None:
        """Write each batch in a transaction of its own, in order."""
        position = None
        for events, stored in batches:
            position = self.app.save_events(events, stored, self.covered) or position
            if progress:
                progress(len(events))
        return position


class Entries:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy) -> None:
        self.app = app
        self.tenancy = tenancy
        # Called with (principal, Recorded) after a command is saved (a county officer's
        # report_accepted publishes the report: services/publications.py).
        self.recorded_hooks: list[Callable[[Principal, Recorded], None]] = []
        # Rules across a township's entries, checked before a new entry is staged with the
        # unit of work and the entry (a year's report submitted again: services/reports.py).
        self.creation_rules: list[Callable[[UnitOfWork, Entry], None]] = []

    def record(
        self,
        principal: Principal,
        *,
        township: str,
        type: str,  # noqa: A002 - the interchange format's own name
        entry_id: str,
        occurred_on: str | date,
        fields: Mapping[str, Any],
    ) -> Recorded:
        """Record one event. A line identical to one already recorded is a repeat, not an error.

        A save refused because another writer got in first with the same entry (or, written
        without reading, its id) is tried again, reading afresh, up to ``RECORD_ATTEMPTS``
        times in all; then it is reported as a conflict."""
        for attempt in range(1, RECORD_ATTEMPTS + 1):
            uow = UnitOfWork(self.app, optimistic=attempt == 1)
            result = self.check_and_stage(
                principal, uow, township, type, entry_id, occurred_on, fields
            )
            try:
                position = uow.save()
            except IntegrityError:
                if attempt == RECORD_ATTEMPTS:
                    raise Conflict("entry.changed_meanwhile", field="id", id=entry_id) from None
            else:
                done = replace(result, position=position)
                for hook in self.recorded_hooks:
                    hook(principal, done)
                return done
        raise AssertionError("unreachable")

    def check_and_stage(
        self,
        principal: Principal,
        uow: UnitOfWork,
        township: Any,
        type_: Any,
        entry_id: Any,
        occurred_on: Any,
        fields: Mapping[str, Any],
    ) -> Recorded:
        """Check one event against every rule, encode it as it will be stored, and stage it in
        ``uow``; nothing is saved."""
        township = values.code_text("township", township)
        type_ = values.choice("type", type_, ALL_TYPES)
        code = self.tenancy.township(principal, township).code
        principal.check_records(type_)
        entry_id = values.entry_id("id", entry_id)
        occurred_on = values.business_day("occurred_on", occurred_on)
        existing = uow.get(code, entry_id, creating=type_ in CREATIONS)
        if type_ in CREATIONS:
            return self._create(
                uow, code, type_, entry_id, occurred_on, fields, existing, principal
            )
        if existing is None:
            raise NotFound(
                "entry.nothing_to_follow", field="id", id=entry_id, township=code, type=type_
            )
        if type_ not in existing.event_classes():
            raise RuleBroken(
                "entry.does_not_follow",
                field="type",
                id=entry_id,
                existing=existing.type,
                type=type_,
            )
        if type_ == RETRACTION:
            principal.check_retracts(existing.recorded_types())
        status = RECORDED
        if existing.is_repeat(existing.candidate_key(type_, occurred_on, fields)):
            status = REPEAT
        else:
            existing.follow_up(
                type_, occurred_on=occurred_on, actor=principal.username, fields=fields
            )
            uow.changed(existing)
        return Recorded(code, entry_id, type_, status)

    def _create(self, uow, code, type_, entry_id, occurred_on, fields, existing, principal):
        cls = CREATIONS[type_]
        if existing is None:
            existing = self._before_safe_ids(uow, code, entry_id)
        if existing is not None:
            if existing.type != type_:
                raise RuleBroken("id.taken", field="id", id=entry_id, existing=existing.type)
            if not existing.is_repeat(cls.candidate_key(type_, occurred_on, fields)):
                raise RuleBroken("entry.recorded_otherwise", field="id", id=entry_id)
            return Recorded(code, entry_id, type_, REPEAT)
        entry = cls.record(
            id=uow.key(code, entry_id),
            township=code,
            entry_id=entry_id,
            occurred_on=occurred_on,
            actor=principal.username,
            fields=fields,
        )
        self._check_references(uow, code, entry)
        for rule in self.creation_rules:
            rule(uow, entry)
        uow.changed(entry)
        return Recorded(code, entry_id, type_, RECORDED)

    @staticmethod
    def _before_safe_ids(uow: UnitOfWork, code: str, entry_id: str) -> Entry | None:
        """None for a new entry's id of the safe set (``values.new_entry_id``); for an id
        outside it, the entry recorded with it before the rule (its line again is a repeat,
        as for any entry), or the refusal when there is none."""
        try:
            values.new_entry_id("id", entry_id)
        except InvalidField:
            existing = uow.get(code, entry_id)  # read, even where a new id is written unread
            if existing is None:
                raise
            return existing
        return None

    @staticmethod
    def _check_references(uow: UnitOfWork, code: str, entry: Entry) -> None:
        inspection_id = getattr(entry, "inspection_id", None)
        if inspection_id is None:
            return
        inspection = uow.get(code, inspection_id)
        if not isinstance(inspection, Inspection) or inspection.retracted:
            raise InvalidField("inspection", "inspection.unknown", id=inspection_id, township=code)

    def entry(self, principal: Principal, *, township: str, entry_id: str) -> EntryView:
        """One entry's full history: who recorded what, when, and any retraction."""
        code = self.tenancy.township(principal, township).code
        events = list(self.app.events.get(entry_uuid(code, entry_id)))
        if not events:
            raise NotFound("entry.not_found", field="id", id=entry_id, township=code)
        history = tuple(
            HistoryItem(e.TYPE, e.occurred_on, e.actor, e.timestamp, e.payload()) for e in events
        )
        found = None
        for event in events:
            found = event.mutate(found)
        retracted = found.retracted is not None
        return EntryView(
            code,
            events[0].entry_id,
            events[0].TYPE,
            events[0].occurred_on,
            retracted,
            history,
            not retracted and principal.may_retract(item.type for item in history),
            found.open_follow_ups(),
        )
