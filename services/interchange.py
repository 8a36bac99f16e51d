"""Import and export of the interchange format (JSON Lines; see docs/interchange.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain import values
from domain.access import Principal
from domain.entry import Entry
from domain.errors import Conflict, LedgerError, NotFound
from domain.imports import FileImport, import_uuid
from domain.messages import Message
from projections.gc import pause_gc
from services.application import LedgerApplication
from services.entries import RECORDED, Batch, Entries, Recorded, UnitOfWork
from services.jsonl import FileRefused, Reading, parse_line
from services.tenancy import Tenancy

__all__ = ["parse_line", "Interchange", "ImportRejected", "ImportResult", "dumps"]

ENVELOPE = ("township", "type", "id", "occurred_on")
# One transaction of an import: PostgreSQL's driver stalls on a transaction of more than about
# 5 MB, and a long one keeps every other writer of the installation waiting for its end.
BATCH_EVENTS = 5_000
BATCH_BYTES = 2 * 2**20
PAGE = 5_000
MAX_ERRORS = 100


@dataclass(frozen=True)
class LineError:
    line: int
    field: str | None
    message: str  # in English
    said: Message | None = None  # what the message says, for pages in other languages

    @classmethod
    def of(cls, line: int, error: LedgerError) -> LineError:
        return cls(line, error.field, error.message, error.said)

    def __str__(self) -> str:
        where = f"line {self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejected(LedgerError):
    """The file had bad lines; nothing was recorded."""

    def __init__(self, errors: list[LineError], truncated: bool = False) -> None:
        super().__init__(
            "import.rejected_more" if truncated else "import.rejected", count=len(errors)
        )
        self.errors = errors


@dataclass(frozen=True)
class UnfinishedImport:
    started_at: datetime
    by: str
    lines: int
    events: int
    digest: str  # SHA-256 of the file's lines
    townships: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    lines: int
    recorded: int
    repeats: int


class Interchange:
    def __init__(self, app: LedgerApplication, tenancy: Tenancy, entries: Entries) -> None:
        self.app = app
        self.tenancy = tenancy
        self.entries = entries

    def record_line(self, principal: Principal, line: dict[str, Any]) -> Recorded:
        """Record one interchange line (parsed) with the principal's rights: the command
        line's ``record`` and the API's ``POST /entries``."""
        return self.entries.record(
            principal,
            township=line.get("township"),
            type=line.get("type"),
            entry_id=line.get("id"),
            occurred_on=line.get("occurred_on"),
            fields={k: v for k, v in line.items() if k not in ENVELOPE},
        )

    def import_lines(
        self,
        principal: Principal,
        lines: Iterable[str | bytes],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Check every line first; then record them all, or none if any is refused.

        The checked events are written in transactions of at most ``BATCH_EVENTS`` events and
        about ``BATCH_BYTES`` bytes. An import of more than one transaction is recorded as
        started with its first and completed with its last (``FileImport``): should it be
        interrupted, its earlier transactions stay recorded, it is listed by
        ``unfinished_imports``, and importing the same file again completes it.
        """
        with pause_gc():
            # Its lines, entries and events are freed as it returns, before the collector runs
            # again: the first collection otherwise went through every one of them (~5 %).
            return self._import_all(principal, lines, progress)

    def _import_all(
        self,
        principal: Principal,
        lines: Iterable[str | bytes],
        progress: Callable[[int], None] | None,
    ) -> ImportResult:
        reading, parsed, errors = _read(lines)
        uow = UnitOfWork(self.app)
        uow.prefetch(_named_entries(uow, (line for _, line in parsed)))
        townships: set[str] = set()
        recorded = 0
        for number, line in parsed:
            if len(errors) > MAX_ERRORS:
                break  # enough to act on; nothing will be recorded anyway
            try:
                result = self.entries.check_and_stage(
                    principal,
                    uow,
                    line.get("township"),
                    line.get("type"),
                    line.get("id"),
                    line.get("occurred_on"),
                    {k: v for k, v in line.items() if k not in ENVELOPE},
                )
            except LedgerError as error:
                errors.append(LineError.of(number, error))
                continue
            townships.add(result.township)
            recorded += result.status == RECORDED
        if errors:
            errors.sort(key=lambda e: e.line)
            raise ImportRejected(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
        batches = self._batches(principal, uow, reading, townships)
        try:
            uow.write(batches, progress=progress)
        except IntegrityError:
            raise Conflict("import.changed_meanwhile") from None
        return ImportResult(lines=reading.lines, recorded=recorded, repeats=len(parsed) - recorded)

    def _batches(
        self, principal: Principal, uow: UnitOfWork, reading: Reading, townships: set[str]
    ) -> list[Batch]:
        """The transactions to write, with the import's start in the first and its completion
        in the last when it takes more than one, or completes an interrupted one."""
        batches = uow.batches(BATCH_EVENTS, BATCH_BYTES)
        marker = self._import(reading.digest)
        if marker is None and len(batches) > 1:
            marker = FileImport(
                digest=reading.digest,
                lines=reading.lines,
                events=len(uow.events),
                actor=principal.username,
                townships=sorted(townships),
            )
            started, encoded = uow.encode(marker)
            batches[0] = (started + batches[0][0], encoded + batches[0][1])
        if marker is not None and not marker.completed:
            marker.complete()
            completed, encoded = uow.encode(marker)
            last = batches.pop() if batches else ([], [])
            batches.append((last[0] + completed, last[1] + encoded))
        return batches

    def _import(self, digest: str) -> FileImport | None:
        try:
            return self.app.repository.get(import_uuid(digest))
        except AggregateNotFoundError:
            return None

    def unfinished_imports(self, principal: Principal) -> list[UnfinishedImport]:
        """Imports started and not completed, of townships the principal sees, oldest first."""
        topics = [get_topic(FileImport.Started), get_topic(FileImport.Completed)]
        started: dict[Any, Any] = {}
        start = 1
        while True:
            page = self.app.recorder.select_notifications(start=start, limit=PAGE, topics=topics)
            for notification in page:
                event = self.app.mapper.to_domain_event(notification)
                if isinstance(event, FileImport.Started):
                    started[event.originator_id] = event
                else:
                    started.pop(event.originator_id, None)
            if len(page) < PAGE:
                break
            start = page[-1].id + 1
        return [
            UnfinishedImport(e.timestamp, e.actor, e.lines, e.events, e.digest, tuple(e.townships))
            for e in started.values()
            if self._sees_all(principal, e.townships)
        ]

    def _sees_all(self, principal: Principal, townships: Iterable[str]) -> bool:
        try:
            for code in townships:
                self.tenancy.township(principal, code)
        except NotFound:
            return False
        return True

    def export(self, principal: Principal, *, township: str) -> Iterator[dict[str, Any]]:
        """The township's events as interchange lines, in the order they were recorded."""
        code = self.tenancy.township(principal, township).code
        start = 1
        while True:
            page = self.app.recorder.select_notifications(start=start, limit=PAGE)
            for notification in page:
                event = self.app.mapper.to_domain_event(notification)
                # Evidence is no interchange line: its bytes are not in a line (docs/interchange.md)
                if isinstance(event, Entry.Event) and event.township == code and event.INTERCHANGE:
                    yield to_line(event)
            if len(page) < PAGE:
                return
            start = page[-1].id + 1


def _named_entries(uow: UnitOfWork, lines: Iterable[dict[str, Any]]) -> Iterator[Any]:
    """The entries the lines name, to read at once. A line's township and id are checked when
    the line is (and refused there); here only that they are text that can be hashed (no lone
    surrogate: printable) and not too long to be read for."""
    for line in lines:
        township, entry_id = line.get("township"), line.get("id")
        if (
            isinstance(township, str)
            and isinstance(entry_id, str)
            and len(township) <= values.MAX_CODE
            and len(entry_id) <= values.MAX_ID
            and township.isprintable()
            and entry_id.isprintable()
        ):
            yield uow.key(township, entry_id)


def _read(
    lines: Iterable[str | bytes],
) -> tuple[Reading, list[tuple[int, dict[str, Any]]], list[LineError]]:
    """Every line of a file, parsed (the lines refused on their own as errors)."""
    reading = Reading()
    parsed: list[tuple[int, dict[str, Any]]] = []
    errors: list[LineError] = []
    for number, raw in enumerate(lines, start=1):
        try:
            text = reading.take(number, raw)
            if text.strip():
                parsed.append((number, parse_line(text)))
        except FileRefused as refused:
            raise ImportRejected([LineError.of(refused.line, refused)]) from None
        except LedgerError as error:
            errors.append(LineError.of(number, error))
    return reading, parsed, errors


def to_line(event: Entry.Event) -> dict[str, Any]:
    return {
        "township": event.township,
        "type": event.TYPE,
        "id": event.entry_id,
        "occurred_on": event.occurred_on.isoformat(),
        **event.plain_payload(),
    }


def dumps(line: dict[str, Any]) -> str:
    return json.dumps(line, ensure_ascii=False, separators=(", ", ": "))
