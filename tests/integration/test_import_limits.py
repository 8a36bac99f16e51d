"""Imports at their limits, on every store: whatever would fail while recording is refused
while checking (nothing recorded); a line's and a file's size are bounded; what one
transaction carries is bounded by bytes; an interrupted import is listed until the same file
is imported again; and a large import leaves other writers waiting seconds at most."""

from __future__ import annotations

import json
import threading
import time

import pytest

from domain import values
from domain.imports import import_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import interchange, jsonl
from services.entries import UnitOfWork
from services.interchange import ImportRejected
from tests.integration.conftest import Towns
from tests.support import OPERATOR, line


def officers(township: str, count: int, start: int = 0) -> list[str]:
    return [
        json.dumps(line(township, "officer_certified", f"O-{n}", "2024-02-01")) + "\n"
        for n in range(start, start + count)
    ]


def exported(ledger, township: str) -> list[dict]:
    return list(ledger.interchange.export(OPERATOR, township=township))


def test_six_thousand_good_lines_then_a_lone_surrogate_record_nothing(towns):
    township = towns.township()
    lines = officers(township, 6_000)
    surrogate = json.dumps(line(township, "liaison_registered", "L-?", "2024-02-01"))
    lines.append(surrogate.replace("L-?", "L-\\ud800") + "\n")

    with pytest.raises(ImportRejected) as rejected:
        towns.ledger.interchange.import_lines(OPERATOR, lines)

    assert [(e.line, e.field) for e in rejected.value.errors] == [(6_001, "id")]
    assert exported(towns.ledger, township) == []
    assert towns.ledger.interchange.import_lines(OPERATOR, lines[:-1]).recorded == 6_000


def test_what_the_store_could_not_encode_is_refused_while_checking(towns, monkeypatch):
    """The check phase encodes each event as it will be stored: were a value check ever to
    let through text the store cannot hold, the line would still be refused, not the write."""
    township = towns.township()
    monkeypatch.setattr(values, "_TEXT_REFUSED", frozenset())
    area = json.dumps({**line(township, "inspection_conducted", "I-2", "2024-03-01"), "area": "x"})
    lines = [*officers(township, 3), area.replace('"x"', '"\\udc80"')]

    with pytest.raises(ImportRejected) as rejected:
        towns.ledger.interchange.import_lines(OPERATOR, lines)

    (error,) = rejected.value.errors
    assert (error.line, error.message) == (4, "cannot be stored (UnicodeEncodeError)")
    assert exported(towns.ledger, township) == []


def test_a_line_longer_than_the_limit_is_refused_by_its_number(towns):
    township = towns.township()
    long_line = json.dumps(
        line(township, "inspection_conducted", "I-1", "2024-03-01", area="市" * 100_000),
        ensure_ascii=False,
    )
    assert len(long_line.encode()) > jsonl.MAX_LINE_BYTES
    with pytest.raises(ImportRejected) as rejected:
        towns.ledger.interchange.import_lines(OPERATOR, [*officers(township, 2), long_line])
    assert [str(e) for e in rejected.value.errors] == ["line 3: is longer than 256 KiB"]


def test_a_file_larger_than_the_limit_is_refused_where_it_passes_it(towns, monkeypatch):
    township = towns.township()
    lines = officers(township, 100)
    monkeypatch.setattr(jsonl, "MAX_FILE_BYTES", sum(len(x) for x in lines[:60]))
    with pytest.raises(ImportRejected) as rejected:
        towns.ledger.interchange.import_lines(OPERATOR, lines)
    assert [str(e) for e in rejected.value.errors] == [
        "line 61: the file is larger than 0 MiB: split it"
    ]
    assert exported(towns.ledger, township) == []


def test_transactions_are_bounded_by_bytes_as_well_as_events(towns):
    township = towns.township()
    uow = UnitOfWork(towns.ledger.app)
    for n in range(40):
        towns.ledger.entries.check_and_stage(
            OPERATOR,
            uow,
            township,
            "inspection_conducted",
            f"I-{n}",
            "2024-03-01",
            {"area": "市" * values.MAX_TEXT},
        )
    batches = uow.batches(max_events=1_000, max_bytes=10_000)
    sizes = [sum(len(e.state) for e in stored) for _, stored in batches]
    assert len(batches) > 4 and max(sizes) <= 10_000
    assert [e for events, _ in batches for e in events] == uow.events  # in order, none lost


class Interrupted(BaseException):
    """As the process being killed: nothing after it runs."""


def test_an_interrupted_import_keeps_its_first_transactions_and_is_listed_until_rerun(
    towns, monkeypatch
):
    ledger = towns.ledger
    township = towns.township()
    lines = officers(township, 25)
    monkeypatch.setattr(interchange, "BATCH_EVENTS", 10)
    save, calls = ledger.app.save_events, []

    def killed_on_the_second_transaction(events, *args, **kwargs):
        calls.append(len(events))
        if len(calls) == 2:
            raise Interrupted
        return save(events, *args, **kwargs)

    monkeypatch.setattr(ledger.app, "save_events", killed_on_the_second_transaction)
    with pytest.raises(Interrupted):
        ledger.interchange.import_lines(OPERATOR, lines)
    monkeypatch.undo()

    assert len(exported(ledger, township)) == 10  # the first transaction's lines
    (unfinished,) = unfinished_of(ledger, township)
    assert (unfinished.lines, unfinished.events, unfinished.townships) == (25, 25, (township,))
    assert unfinished.by == OPERATOR.username
    assert ledger.interchange.unfinished_imports(towns.place().clerk()) == []  # another's

    again = ledger.interchange.import_lines(OPERATOR, lines)

    assert (again.recorded, again.repeats) == (15, 10)
    assert len(exported(ledger, township)) == 25
    assert unfinished_of(ledger, township) == []


def unfinished_of(ledger, township: str) -> list:
    return [u for u in ledger.interchange.unfinished_imports(OPERATOR) if township in u.townships]


def test_an_import_in_one_transaction_leaves_no_trace_of_its_own(towns):
    township = towns.township()
    lines = officers(township, 30)
    towns.ledger.interchange.import_lines(OPERATOR, lines)
    reading = jsonl.Reading()
    for number, raw in enumerate(lines, start=1):
        reading.take(number, raw)
    assert import_uuid(reading.digest) not in towns.ledger.app.repository


@pytest.fixture
def sql_ledger(own_sql_database_url):
    opened = open_ledger(Settings(database_url=own_sql_database_url))
    try:
        yield opened
    finally:
        opened.close()


def test_an_8_mb_import_lets_a_clerk_record_within_seconds(
    sql_ledger, own_sql_database_url, monkeypatch
):
    """A liveness check, not a benchmark: while 8 MB of lines are recorded (in transactions of
    about 2 MiB; one transaction of them all once stalled PostgreSQL's driver for ever), a
    second connection records single entries in a loop; none waits five seconds or more."""
    towns = Towns(sql_ledger)
    importing, clerk_town = towns.township(), towns.township()
    title = "依法行政" * 120  # 480 characters; each line is some 1.6 KB
    lines = [
        json.dumps(
            line(
                importing,
                "session_held",
                f"S-{n}",
                "2024-03-05",
                kind="lecture",
                title=title,
                attendees=n % 300,
            ),
            ensure_ascii=False,
        )
        for n in range(5_400)
    ]
    assert sum(len(x.encode()) for x in lines) > 8 * 2**20
    writing = threading.Event()
    write = UnitOfWork.write

    def noted_write(uow, batches, progress=None):
        batches = list(batches)
        if len(batches) > 1:
            writing.set()
        return write(uow, batches, progress)

    monkeypatch.setattr(UnitOfWork, "write", noted_write)
    waits: list[float] = []
    done = threading.Event()
    clerk = open_ledger(Settings(database_url=own_sql_database_url))

    def record_in_a_loop() -> None:
        n = 0
        while not done.is_set():
            started = time.monotonic()
            Towns(clerk).record(clerk_town, "liaison_registered", f"L-{n}", "2024-02-01")
            if writing.is_set():
                waits.append(time.monotonic() - started)
            n += 1

    recorder = threading.Thread(target=record_in_a_loop)
    recorder.start()
    try:
        result = sql_ledger.interchange.import_lines(OPERATOR, lines)
    finally:
        done.set()
        recorder.join()
        clerk.close()

    assert result.recorded == 5_400
    assert waits, "no single record ran while the import was recording"
    assert max(waits) < 5.0, f"a single record waited {max(waits):.1f} s"
