"""Writers to one township at once (threads, two opened ledgers, two processes): every command
is recorded, none refused as a conflict, and the township's links form one line that covers
each event once. Each link is made inside the store's write transaction from the head read
there (the ledger recorder's ``save``, services/recording.py), or, on SQLite, after the head this
process saved, written only if that is still the head."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError

from domain.chain import GENESIS, chain_uuid
from domain.entry import entry_uuid
from infra.settings import event_store_env
from services import Services, entries, open_services
from services.chains import link_hash
from tests.integration.tampering import RawStore
from tests.support import OPERATOR, Tenants, record_dispute

ROOT = Path(__file__).resolve().parents[2]


def _assert_one_line(services: Services, township: str, entry_ids: set[str]) -> None:
    links = list(services.app.events.get(chain_uuid(township)))
    assert [link.originator_version for link in links] == list(range(1, len(links) + 1))
    previous = GENESIS
    for link in links:
        assert link.previous == previous
        assert link.sha256 == link_hash(township, link.originator_version, previous, link.covered)
        previous = link.sha256
    covered = [item[0] for link in links for item in link.covered]
    assert sorted(covered) == sorted(entry_ids)


def test_eight_threads_recording_in_one_township_at_once(services: Services) -> None:
    township = Tenants(services).township()
    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def write(thread: int) -> None:
        start.wait()
        try:
            for n in range(10):
                record_dispute(services, township, f"T{thread}-{n}")
        except BaseException as error:  # noqa: BLE001 - asserted below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    _assert_one_line(services, township, {f"T{t}-{n}" for t in range(8) for n in range(10)})


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database two processes can open (the in-memory store is one process's)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def opened(shared_url: str) -> Iterator[Services]:
    services = open_services({**event_store_env(shared_url), "CREATE_TABLE": "y"})
    try:
        yield services
    finally:
        services.close()


def test_a_head_moved_by_another_writer_needs_no_second_try(
    opened: Services, shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two ledgers opened on one database (as two server processes) take turns: each command
    links after the head the other wrote, at the first try."""
    monkeypatch.setattr(entries, "RECORD_ATTEMPTS", 1)  # a refused save would be a conflict
    other = open_services({**event_store_env(shared_url), "CREATE_TABLE": "y"})
    try:
        township = Tenants(opened).township()
        for n in range(6):
            record_dispute(opened if n % 2 else other, township, f"D-{n}")
        _assert_one_line(opened, township, {f"D-{n}" for n in range(6)})
    finally:
        other.close()


def test_a_writer_that_knows_the_heads_writes_without_reading_them(
    opened: Services, shared_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After its first write to a township, a process links its next commands after the link it
    saved last, without reading the head (on SQLite: in one statement, written only if that
    link is still the head); the chain is the same line."""
    township = Tenants(opened).township()
    record_dispute(opened, township, "D-0")
    recorder = opened.app.ledger_recorder
    reads = []  # PostgreSQL's write reads the heads in its first message, always
    reading = "_insert_after_heads" if shared_url.startswith("sqlite") else "save"
    read_and_write = getattr(recorder, reading)
    monkeypatch.setattr(recorder, reading, lambda *a: reads.append(a) or read_and_write(*a))
    positions = [
        opened.entries.record(
            OPERATOR, township=township, type="dispute_registered", entry_id=f"D-{n}",
            occurred_on="2024-03-01", fields={"source": "screening", "category": "邻里"},
        ).position
        for n in range(1, 5)
    ]  # fmt: skip
    assert len(reads) == (0 if shared_url.startswith("sqlite") else 4)  # PostgreSQL: it reads
    found = opened.app.recorder.select_notifications(start=positions[0] - 1, limit=100)
    by_entry = {n.originator_id: n.id for n in found}
    assert positions == [by_entry[entry_uuid(township, f"D-{n}")] + 1 for n in range(1, 5)]
    _assert_one_line(opened, township, {f"D-{n}" for n in range(5)})


def test_a_head_known_here_but_gone_from_the_store_is_read_again(
    opened: Services, shared_url: str
) -> None:
    """The store was put back to before this process's last write (a backup restored): the
    link this process saved last is no longer the head. Its next write reads the head and links
    after it, where linking after the link it remembered would break the chain."""
    township = Tenants(opened).township()
    record_dispute(opened, township, "D-1")
    record_dispute(opened, township, "D-2")
    raw = RawStore(shared_url, opened.app.recorder.events_table_name)
    try:  # the rows of D-2's command: its event, and the second link
        raw.delete(entry_uuid(township, "D-2"), 1)
        raw.delete(chain_uuid(township), 2)
    finally:
        raw.close()
    record_dispute(opened, township, "D-3")
    _assert_one_line(opened, township, {"D-1", "D-3"})


def test_a_store_locked_past_the_timeout_is_an_outage_on_either_way(tmp_path: Path) -> None:
    """SQLite locked by another connection for longer than the lock timeout: the write that
    knows the heads fails as the one that reads them does, with the library's error (the
    pages and the API answer it as a store that is away), and records nothing."""
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    services = open_services(
        {**event_store_env(url), "CREATE_TABLE": "y", "SQLITE_LOCK_TIMEOUT": "1"}
    )
    try:
        township = Tenants(services).township()
        record_dispute(services, township, "D-1")  # the head is known from here on
        holder = sqlite3.connect(f"{tmp_path}/ledger.sqlite3", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(OperationalError):
                record_dispute(services, township, "D-2")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        record_dispute(services, township, "D-3")
        _assert_one_line(services, township, {"D-1", "D-3"})
    finally:
        services.close()


WRITER = """
import sys
from domain.access import Principal
from infra.settings import event_store_env
from services import open_services

url, township, name, count, ready, go = sys.argv[1:]
services = open_services({**event_store_env(url), "CREATE_TABLE": "y"})
operator = Principal.operator("test")
open(ready, "w").close()
while True:
    try:
        open(go).close()
        break
    except FileNotFoundError:
        pass
for n in range(int(count)):
    services.entries.record(
        operator, township=township, type="dispute_registered", entry_id=f"{name}-{n}",
        occurred_on="2024-03-01", fields={"source": "screening", "category": "land"},
    )
services.close()
"""


def test_two_processes_recording_in_one_township_at_once(
    opened: Services, shared_url: str, tmp_path: Path
) -> None:
    township = Tenants(opened).township()
    go = tmp_path / "go"
    writers = []
    for name in ("P", "Q"):
        ready = tmp_path / f"ready-{name}"
        script = textwrap.dedent(WRITER)
        arguments = [shared_url, township, name, "40", str(ready), str(go)]
        writers.append(
            (ready, subprocess.Popen([sys.executable, "-c", script, *arguments], cwd=ROOT))
        )
    for ready, writer in writers:
        for _ in range(600):
            if ready.exists() or writer.poll() is not None:
                break
            threading.Event().wait(0.05)
    go.touch()
    for _, writer in writers:
        assert writer.wait(timeout=120) == 0
    _assert_one_line(opened, township, {f"{p}-{n}" for p in "PQ" for n in range(40)})


def test_a_write_refused_by_the_store_leaves_no_link(services: Services) -> None:
    """An entry event whose version is taken (another writer's) is refused with its link: the
    chain keeps its head, and the next writes link after it."""
    township = Tenants(services).township()
    record_dispute(services, township, "D-1")
    before = services.app.chain_head(township)
    (taken,) = services.app.events.get(entry_uuid(township, "D-1"))
    with pytest.raises(IntegrityError):
        services.app.save_events([taken])
    assert services.app.chain_head(township) == before
    for n in range(2, 8):  # more writes than the pool has connections
        record_dispute(services, township, f"D-{n}")
    _assert_one_line(services, township, {f"D-{n}" for n in range(1, 8)})


def test_one_import_across_more_townships_than_one_statement_reads(services: Services) -> None:
    """An import touching 600 townships (SQLite reads at most 500 heads in one statement):
    each township gets its one link after its head."""
    tenants = Tenants(services)
    county = tenants.county()
    townships = [tenants.township(county) for _ in range(600)]
    record_dispute(services, townships[0], "D-0")
    lines = [
        json.dumps(
            {
                "township": t,
                "type": "dispute_registered",
                "id": f"I-{n}",
                "occurred_on": "2024-03-01",
                "source": "screening",
                "category": "邻里",
            }
        )  # fmt: skip
        for n, t in enumerate(townships)
    ]
    services.interchange.import_lines(OPERATOR, lines)
    _assert_one_line(services, townships[0], {"D-0", "I-0"})
    for n, township in enumerate(townships[1:], start=1):
        _assert_one_line(services, township, {f"I-{n}"})


@pytest.mark.parametrize(("count", "heads_known"), [(4, False), (4, True), (300, False)])
def test_a_write_returns_each_of_its_events_position_in_order(
    services: Services, count: int, heads_known: bool
) -> None:
    """The recorders return the log position of each event they store, in the order given (on
    PostgreSQL, a few events written into the query, more sent as four arrays; on SQLite, a
    few in one statement, with the heads this process knows or read)."""
    tenants = Tenants(services)
    towns = [tenants.township() for _ in range(3)]
    for town in towns if heads_known else ():
        record_dispute(services, town, "first")
    app = services.app
    uow = entries.UnitOfWork(app)
    for n in range(count):
        town = towns[n % 3]
        services.entries.check_and_stage(
            OPERATOR, uow, town, "dispute_registered", f"P-{n}", "2024-03-01",
            {"source": "screening", "category": "邻里"},
        )  # fmt: skip
    stored = list(uow.stored)
    last = uow.save()
    found = app.recorder.select_notifications(start=1, limit=10_000)
    ours = [n for n in found if n.originator_id in {s.originator_id for s in stored}]
    assert [(n.originator_id, n.originator_version, n.state) for n in ours] == [
        (s.originator_id, s.originator_version, s.state) for s in stored
    ]
    links = [n for n in found if n.originator_id in {chain_uuid(t) for t in towns}]
    links = links[3:] if heads_known else links
    assert len(links) == 3 and last == max(n.id for n in ours + links)
