"""Recording township entries: one code path for the API, the pages, the CLI and imports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain import values
from domain.access import Principal
from domain.catalogue import ALL_TYPES, CREATIONS
from domain.entry import Entry, entry_uuid
from domain.errors import Conflict, InvalidField, NotFound, RuleBroken
from domain.inspection import Inspection
from services.application import LedgerApplication
from services.tenancy import Tenancy

RECORDED = "recorded"
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


class UnitOfWork:
    """Entries loaded and changed by one command or one import, saved together in order.

    ``optimistic``: a new entry is written without first reading whether its id exists; the
    store's unique key refuses it if it does, and the command is then tried again reading.
    """

    def __init__(self, app: LedgerApplication, *, optimistic: bool = False) -> None:
        self.app = app
        self.optimistic = optimistic
        self.entries: dict[UUID, Entry | None] = {}
        self.events: list[Any] = []
        self._keys: dict[tuple[str, str], UUID] = {}

    def key(self, township: str, entry_id: str) -> UUID:
        """An entry's aggregate id, worked out once per unit of work (uuid5 hashes: an import
        asked for each line's twice)."""
        key = self._keys.get((township, entry_id))
        if key is None:
            key = self._keys[(township, entry_id)] = entry_uuid(township, entry_id)
        return key

    def prefetch(self, keys: Iterable[UUID]) -> None:
        """Load many entries in one query per chunk, where the recorder can."""
        select = getattr(self.app.recorder, "select_events_of", None)
        if select is None:
            return
        missing = list(dict.fromkeys(k for k in keys if k not in self.entries))
        found = select(missing)
        for key in missing:
            entry = None
            for stored in found.get(key, ()):
                entry = self.app.mapper.to_domain_event(stored).mutate(entry)
            self.entries[key] = entry

    def get(self, township: str, entry_id: str, *, creating: bool = False) -> Entry | None:
        key = self.key(township, entry_id)
        if key not in self.entries:
            if creating and self.optimistic:
                return None
            try:
                self.entries[key] = self.app.repository.get(key)
            except AggregateNotFoundError:
                self.entries[key] = None
        return self.entries[key]

    def changed(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        self.events.extend(entry.collect_events())

    def save(
        self, batch_size: int = 0, progress: Callable[[int], None] | None = None
    ) -> int | None:
        """Save the pending events in the order they were made, in batches if asked;
        returns the last log position written (None when there was nothing to save)."""
        size = batch_size or len(self.events) or 1
        position = None
        for start in range(0, len(self.events), size):
            batch = self.events[start : start + size]
            recordings = self.app.save_events(batch)
            position = recordings[-1].notification.id if recordings else position
            if progress:
                progress(len(batch))
        self.events = []
        return position


class Entries:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy) -> None:
        self.app = app
        self.tenancy = tenancy
        # Called with (principal, Recorded) after a command is saved (a county officer's
        # report_accepted publishes the report: services/publications.py).
        self.recorded_hooks: list[Callable[[Principal, Recorded], None]] = []

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
        """Record one event. A line identical to one already recorded is a repeat, not an error."""
        for attempt in (1, 2):
            uow = UnitOfWork(self.app, optimistic=attempt == 1)
            result = self.apply(principal, uow, township, type, entry_id, occurred_on, fields)
            try:
                position = uow.save()
            except IntegrityError:
                if attempt == 2:
                    raise Conflict(
                        f"entry {entry_id} changed while it was being recorded; try again",
                        field="id",
                    ) from None
            else:
                done = replace(result, position=position)
                for hook in self.recorded_hooks:
                    hook(principal, done)
                return done
        raise AssertionError("unreachable")

    def apply(
        self,
        principal: Principal,
        uow: UnitOfWork,
        township: Any,
        type_: Any,
        entry_id: Any,
        occurred_on: Any,
        fields: Mapping[str, Any],
    ) -> Recorded:
        """Check one event against every rule and stage it in ``uow``; nothing is saved."""
        if not isinstance(township, str):
            raise InvalidField("township", "must be a township code")
        type_ = values.choice("type", type_, ALL_TYPES)
        code = self.tenancy.township(principal, township).code
        principal.check_records(type_)
        entry_id = values.entry_id("id", entry_id)
        occurred_on = values.day("occurred_on", occurred_on)
        existing = uow.get(code, entry_id, creating=type_ in CREATIONS)
        if type_ in CREATIONS:
            return self._create(
                uow, code, type_, entry_id, occurred_on, fields, existing, principal
            )
        if existing is None:
            raise NotFound(f"no entry {entry_id} in {code} for {type_} to follow", field="id")
        if type_ not in existing.event_classes():
            raise RuleBroken(
                f"entry {entry_id} is a {existing.type}; {type_} does not follow it", field="type"
            )
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
        if existing is not None:
            if existing.type != type_:
                raise RuleBroken(
                    f"id {entry_id} is already used by a {existing.type} entry", field="id"
                )
            if not existing.is_repeat(cls.candidate_key(type_, occurred_on, fields)):
                raise RuleBroken(
                    f"entry {entry_id} was already recorded with other values; "
                    "retract it and record a new entry to correct it",
                    field="id",
                )
            return Recorded(code, entry_id, type_, REPEAT)
        entry = cls.record(
            township=code,
            entry_id=entry_id,
            occurred_on=occurred_on,
            actor=principal.username,
            fields=fields,
        )
        self._check_references(uow, code, entry)
        uow.changed(entry)
        return Recorded(code, entry_id, type_, RECORDED)

    @staticmethod
    def _check_references(uow: UnitOfWork, code: str, entry: Entry) -> None:
        inspection_id = getattr(entry, "inspection_id", None)
        if inspection_id is None:
            return
        inspection = uow.get(code, inspection_id)
        if not isinstance(inspection, Inspection) or inspection.retracted:
            raise InvalidField(
                "inspection", f"names no inspection_conducted entry {inspection_id} of {code}"
            )

    def entry(self, principal: Principal, *, township: str, entry_id: str) -> EntryView:
        """One entry's full history: who recorded what, when, and any retraction."""
        code = self.tenancy.township(principal, township).code
        events = list(self.app.events.get(entry_uuid(code, entry_id)))
        if not events:
            raise NotFound(f"no entry {entry_id} in {code}", field="id")
        history = tuple(
            HistoryItem(e.TYPE, e.occurred_on, e.actor, e.timestamp, e.payload()) for e in events
        )
        return EntryView(
            code,
            events[0].entry_id,
            events[0].TYPE,
            events[0].occurred_on,
            any(item.type == Entry.Retracted.TYPE for item in history),
            history,
        )
