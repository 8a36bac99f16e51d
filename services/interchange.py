"""Import and export of the interchange format (JSON Lines; see docs/interchange.md)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError

from domain.access import Principal
from domain.entry import Entry
from domain.errors import Conflict, LedgerError
from projections.gc import pause_gc
from services.application import LedgerApplication
from services.entries import RECORDED, Entries, UnitOfWork
from services.tenancy import Tenancy

ENVELOPE = ("township", "type", "id", "occurred_on")
BATCH_EVENTS = 5_000
PAGE = 5_000
MAX_ERRORS = 100


@dataclass(frozen=True)
class LineError:
    line: int
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ImportRejected(LedgerError):
    """The file had bad lines; nothing was recorded."""

    def __init__(self, errors: list[LineError], truncated: bool = False) -> None:
        more = " (and more; only the first ones are listed)" if truncated else ""
        super().__init__(f"{len(errors)} bad line(s){more}; nothing was recorded")
        self.errors = errors


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

    def import_lines(
        self,
        principal: Principal,
        lines: Iterable[str],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Check every line first; record all of them or none.

        The checked events are then written in transactions of ``BATCH_EVENTS``. Should a
        concurrent writer interrupt that, the earlier batches stay recorded and importing the
        same file again completes it (recorded lines are repeats).
        """
        uow = UnitOfWork(self.app)
        errors: list[LineError] = []
        parsed: list[tuple[int, dict[str, Any]]] = []
        count = 0
        with pause_gc():
            for count, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                try:
                    parsed.append((count, parse_line(raw)))
                except LedgerError as error:
                    errors.append(LineError(count, error.field, error.message))
            uow.prefetch(_named_entries(uow, (line for _, line in parsed)))
            recorded = 0
            for number, line in parsed:
                if len(errors) > MAX_ERRORS:
                    break  # enough to act on; nothing will be recorded anyway
                try:
                    result = self.entries.apply(
                        principal,
                        uow,
                        line.get("township"),
                        line.get("type"),
                        line.get("id"),
                        line.get("occurred_on"),
                        {k: v for k, v in line.items() if k not in ENVELOPE},
                    )
                except LedgerError as error:
                    errors.append(LineError(number, error.field, error.message))
                    continue
                recorded += result.status == RECORDED
            if errors:
                errors.sort(key=lambda e: e.line)
                raise ImportRejected(errors[:MAX_ERRORS], truncated=len(errors) > MAX_ERRORS)
            try:
                uow.save(batch_size=BATCH_EVENTS, progress=progress)
            except IntegrityError:
                raise Conflict(
                    "another writer recorded some of the same entries while this file was being"
                    " imported; the batches before stay recorded: import the same file again to"
                    " complete it"
                ) from None
        return ImportResult(lines=count, recorded=recorded, repeats=len(parsed) - recorded)

    def export(self, principal: Principal, *, township: str) -> Iterator[dict[str, Any]]:
        """The township's events as interchange lines, in the order they were recorded."""
        code = self.tenancy.township(principal, township).code
        start = 1
        while True:
            page = self.app.recorder.select_notifications(start=start, limit=PAGE)
            for notification in page:
                event = self.app.mapper.to_domain_event(notification)
                if isinstance(event, Entry.Event) and event.township == code:
                    yield to_line(event)
            if len(page) < PAGE:
                return
            start = page[-1].id + 1


def _named_entries(uow: UnitOfWork, lines: Iterable[dict[str, Any]]) -> Iterator[Any]:
    for line in lines:
        township, entry_id = line.get("township"), line.get("id")
        if isinstance(township, str) and isinstance(entry_id, str):
            yield uow.key(township, entry_id)


def parse_line(raw: str) -> dict[str, Any]:
    try:
        line = json.loads(raw)
    except json.JSONDecodeError as error:
        raise LedgerError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(line, dict):
        raise LedgerError("must be one JSON object")
    return line


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
