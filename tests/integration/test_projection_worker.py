"""The projection worker for real, on SQLite and PostgreSQL (each test on a store of its own):
following live gives the model a rebuild gives; a worker process killed at random points and
restarted ends where a rebuild from zero ends; refreshers running side by side stay consistent;
a long catch-up whose pages a second process stores ends in the same model, whether that
process commits, finds the view moved on, fails or dies.
"""

from __future__ import annotations

import queue
import random
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg
import pytest

from domain.entry import Entry
from infra import read_model_storage
from infra.read_model_rows import COLUMNS
from infra.settings import Settings
from infra.view_writer import ViewWriter, WriterFailed
from infra.wiring import open_ledger
from projections.figures import lookup
from sample.lines import seed_lines, township_lines
from services import Services
from tests.integration.conftest import Towns, import_lines, moment
from tests.support import OPERATOR, line

WORKER = str(Path(sys.executable).with_name("township-ledger"))
DUMPS = {
    "facts": f"SELECT {COLUMNS} FROM ledger_rm_facts ORDER BY position",
    # A township's period whose counts all went back to 0 has no figures: {} is none.
    "tallies": "SELECT township, period, counts FROM ledger_rm_tallies"
    " WHERE counts <> '{}' ORDER BY township, period",
    "position": "SELECT name, position FROM ledger_rm_position ORDER BY name",
}


@pytest.fixture
def database_url(own_sql_database_url: str) -> str:
    """SQLite and PostgreSQL only (the in-memory store is one process's)."""
    return own_sql_database_url


# -- helpers -----------------------------------------------------------------------------------


@contextmanager
def connect(url: str) -> Iterator[Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        with closing(sqlite3.connect(parts.path[1:])) as connection:
            yield connection
        return
    schema = parse_qs(parts.query)["schema"][0]
    with psycopg.connect(urlunsplit(parts._replace(query=""))) as connection:
        connection.execute(f'SET search_path TO "{schema}"')
        yield connection


def dump(url: str) -> dict[str, list[tuple]]:
    """The whole read model, table by table, in a fixed order."""
    with connect(url) as connection:
        return {name: list(connection.execute(sql).fetchall()) for name, sql in DUMPS.items()}


def entry_positions(ledger: Services) -> list[int]:
    """The log positions of every township-entry event: each must be one fact, once."""
    found, start = [], 1
    while page := ledger.app.recorder.select_notifications(start=start, limit=1000):
        found += [
            n.id for n in page if isinstance(ledger.app.mapper.to_domain_event(n), Entry.Event)
        ]
        start = page[-1].id + 1
    return found


def chunks(lines: list[dict], size: int) -> list[list[dict]]:
    return [lines[n : n + size] for n in range(0, len(lines), size)]


def in_background(url: str, work: Callable[[Services], None]) -> tuple[threading.Thread, list]:
    """Run ``work`` on a ledger of its own in a thread; failures land in the returned list."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            ledger = open_ledger(Settings(database_url=url))
            try:
                work(ledger)
            finally:
                ledger.close()
        except BaseException as error:  # reported by the test
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failures


def two_townships(towns) -> tuple[str, str, list[dict]]:
    county = towns.county()
    seed, drawn = towns.township(county), towns.township(county)
    return seed, drawn, seed_lines(township=seed) + township_lines(drawn, 2024, 7, scale=0.8)


def expected_counts(lines: list[dict], township: str) -> dict[str, int]:
    """Figures worked out from the interchange lines themselves."""
    mine = [ln for ln in lines if ln["township"] == township]
    kinds = {ln["type"] for ln in mine}
    last_outcome = {ln["id"]: ln["outcome"] for ln in mine if ln["type"] == "dispute_mediated"}
    assert {"dispute_registered", "inspection_conducted", "hotline_case_received"} <= kinds
    return {
        "disputes.registered": sum(ln["type"] == "dispute_registered" for ln in mine),
        "disputes.resolved": sum(o == "resolved" for o in last_outcome.values()),
        "inspections": sum(ln["type"] == "inspection_conducted" for ln in mine),
        "issues.found": sum(ln["type"] == "issue_found" for ln in mine),
        "issues.rectified": sum(ln["type"] == "issue_rectified" for ln in mine),
        "hotline.received": sum(ln["type"] == "hotline_case_received" for ln in mine),
        "roster.volunteers": sum(ln["type"] == "volunteer_pledged" for ln in mine),
    }


def counts(ledger: Services, township: str, names) -> dict[str, int]:
    doc = ledger.figures.figures(OPERATOR, township=township, period="2024")
    return {name: lookup(doc, name) for name in names}


# -- rebuilding --------------------------------------------------------------------------------


def test_a_rebuild_from_zero_gives_the_model_that_following_live_gave(towns, database_url):
    seed, drawn, lines = two_townships(towns)
    model, figures = towns.ledger.read_model, towns.ledger.figures
    for piece in chunks(lines, 400):  # the model follows the log page by page as it grows
        towns.import_lines(piece)
        model.refresh()
    towns.record(seed, "entry_retracted", "D-2024-0001", "2024-12-31", reason="重复登记")
    towns.record(drawn, "inspection_conducted", "LATE-1", "2024-02-29", area="补录")
    model.refresh()
    then = moment()
    live = dump(database_url)
    live_figures = [
        figures.figures(OPERATOR, township=t, period="2024", as_of=then) for t in (seed, drawn)
    ]

    model.rebuild()

    assert dump(database_url) == live
    assert [
        figures.figures(OPERATOR, township=t, period="2024", as_of=then) for t in (seed, drawn)
    ] == live_figures
    assert len(live["facts"]) == len(entry_positions(towns.ledger)) > len(lines)
    assert live_figures[0]["disputes"]["registered"] == 361  # the retraction is in the model


# -- the worker process, killed and restarted ----------------------------------------------------


@contextmanager
def running_worker(url: str) -> Iterator[subprocess.Popen]:
    """``township-ledger project --follow``, killed with SIGKILL on leaving: no clean-up, perhaps
    in the middle of a page."""
    worker = subprocess.Popen(
        # Pages of 100: a burst of 2,000 events or more is stored by a second process.
        [WORKER, "--database", url, "project", "--follow", "--interval", "0.05", "--page", "100"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield worker
    finally:
        worker.kill()
        worker.wait()
        worker.stderr.close()


def test_a_worker_killed_at_random_points_resumes_to_the_model_of_a_rebuild(towns, database_url):
    rng = random.Random(20241231)
    seed, drawn, lines = two_townships(towns)
    county = towns.ledger.tenancy.township(OPERATOR, seed).county
    for n in range(3):
        lines += township_lines(towns.township(county), 2024, n, scale=1.0)
    view, recorder = towns.ledger.read_model, towns.ledger.app.recorder
    bursts: queue.Queue[list[dict] | None] = queue.Queue()

    def importer(ledger: Services) -> None:
        while (burst := bursts.get(timeout=300)) is not None:
            for piece in chunks(burst, 500):
                import_lines(ledger, piece)

    thread, failures = in_background(database_url, importer)
    try:
        for burst in chunks(lines, len(lines) // 5 + 1):
            bursts.put(burst)  # imported while the worker is down, starts, and projects
            time.sleep(rng.uniform(0, 0.2))
            with running_worker(database_url) as worker:
                reached = view.position()
                for _ in range(5_000):  # bounded: until this worker has committed a page
                    if worker.poll() is not None or view.position() > reached:
                        break
                    time.sleep(0.002)
                time.sleep(rng.uniform(0, 0.03))
                assert worker.poll() is None, worker.stderr.read()  # running, not failed
    finally:
        bursts.put(None)
    thread.join(timeout=300)
    assert not thread.is_alive() and not failures, failures
    finished = subprocess.run(
        [WORKER, "--database", database_url, "project"], capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr

    resumed = dump(database_url)
    towns.ledger.read_model.rebuild()
    rebuilt = dump(database_url)

    assert resumed == rebuilt
    assert resumed["position"] == [("ledger", recorder.max_notification_id())]
    assert [row[0] for row in resumed["facts"]] == entry_positions(towns.ledger)
    for township in (seed, drawn):
        expected = expected_counts(lines, township)
        assert counts(towns.ledger, township, expected) == expected
    assert expected_counts(lines, seed)["disputes.resolved"] == 330


def test_a_writer_can_wait_until_the_worker_has_projected_its_own_write(towns, database_url):
    township = towns.township()
    model = towns.ledger.read_model

    with running_worker(database_url):
        recorded = towns.record(township, "inspection_conducted", "I-1", "2024-05-01", area="市场")
        seen = model.wait_for(recorded.position, timeout=120)  # bounded; not a timing check
        facts = model.facts(township)  # the model as the worker left it: no refresh

    assert seen is True
    assert [(f.entry_id, f.type) for f in facts] == [("I-1", "inspection_conducted")]
    assert model.wait_for(recorded.position + 1_000, timeout=0.1) is False  # it gives up


# -- refreshers side by side ---------------------------------------------------------------------


def test_two_refreshers_taking_turns_keep_the_tallies_of_a_rebuild(towns, database_url):
    place = towns.place()
    township = place.township
    other = open_ledger(Settings(database_url=database_url))
    first, second = towns.ledger, other
    first.rankings.set_indicators(
        OPERATOR,
        county=place.county,
        indicators=[
            {"figure": name, "direction": "higher", "weight": 1}
            for name in ("disputes.failed", "disputes.resolved", "issues.found", "issues.rectified")
        ],
    )
    issue = {"category": "安全", "description": "隐患", "deadline": "2024-03-30"}
    try:
        towns.record(
            township, "dispute_registered", "D-1", "2024-03-01", source="other", category="土地"
        )
        towns.record(township, "issue_found", "P-1", "2024-03-01", **issue)
        first.read_model.refresh()
        towns.record(
            township, "dispute_mediated", "D-1", "2024-03-02", outcome="failed", mediator="other"
        )
        towns.record(township, "issue_rectified", "P-1", "2024-03-10")
        second.read_model.refresh()  # the first refresher has not seen these two
        towns.record(
            township,
            "dispute_mediated",
            "D-1",
            "2024-03-09",
            outcome="resolved",
            mediator="volunteer",
        )
        towns.record(township, "entry_retracted", "P-1", "2024-03-20", reason="误录")
        first.read_model.refresh()
        followed = dump(database_url)
        live = first.rankings.ranking(OPERATOR, county=place.county, period="2024")
        folded = first.rankings.ranking(
            OPERATOR, county=place.county, period="2024", as_of=moment()
        )

        first.read_model.rebuild()

        assert dump(database_url) == followed
        # The live ranking reads the tallies; folded as of now it reads the facts: they agree.
        assert live["townships"] == folded["townships"]
        shown = live["townships"][0]["indicators"]
        assert {name: part["value"] for name, part in shown.items()} == {
            "disputes.failed": 0,
            "disputes.resolved": 1,
            "issues.found": 0,
            "issues.rectified": 0,
        }
    finally:
        other.close()


def test_refreshers_running_side_by_side_end_in_a_consistent_model(towns, database_url):
    seed, drawn, lines = two_townships(towns)
    retractions = [
        line(seed, "entry_retracted", f"D-2024-{n:04d}", "2024-12-31", reason="核查撤回")
        for n in range(1, 11)
    ] + [
        line(seed, "entry_retracted", f"IS-2024-{n:04d}", "2024-12-31", reason="核查撤回")
        for n in range(1, 6)
    ]
    done = threading.Event()

    def importer(ledger: Services) -> None:
        try:
            for piece in chunks(lines, 150) + [retractions]:
                import_lines(ledger, piece)
        finally:
            done.set()

    def refresher(ledger: Services) -> None:
        for _ in range(100_000):  # bounded; ends soon after the importer does
            ledger.read_model.refresh()
            if done.is_set():
                break
        ledger.read_model.refresh()

    workers = [in_background(database_url, importer)] + [
        in_background(database_url, refresher) for _ in range(2)
    ]
    for thread, failures in workers:
        thread.join(timeout=300)
        assert not thread.is_alive() and not failures, failures

    side_by_side = dump(database_url)
    towns.ledger.read_model.rebuild()
    rebuilt = dump(database_url)

    positions = [row[0] for row in side_by_side["facts"]]
    assert positions == entry_positions(towns.ledger)  # every entry event once, none twice
    assert side_by_side == rebuilt
    assert counts(towns.ledger, seed, ["disputes.registered"]) == {"disputes.registered": 352}


def test_workers_starting_at_the_same_moment_all_open_the_ledger(database_url):
    start = threading.Barrier(6)

    def opening() -> tuple[threading.Thread, list]:
        failures: list[BaseException] = []

        def run() -> None:
            try:
                start.wait(timeout=60)  # all open at once, as web workers and the worker do
                ledger = open_ledger(Settings(database_url=database_url))
                ledger.read_model.refresh()
                ledger.close()
            except BaseException as error:  # reported by the test
                failures.append(error)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread, failures

    for thread, failures in [opening() for _ in range(6)]:
        thread.join(timeout=120)
        assert not thread.is_alive() and not failures, failures


# -- a second process storing the pages of a long catch-up ----------------------------------------

SHORT_PAGE = 40  # 20 pages behind (800 events) or more: the writer process stores the pages


@pytest.fixture
def projected(towns, database_url) -> dict[str, list[tuple]]:
    """Two townships' year, one entry retracted; the model a rebuild without a writer gives
    (pages of 1,000: the log is too short for one)."""
    seed, _, lines = two_townships(towns)
    towns.import_lines(lines)
    towns.record(seed, "entry_retracted", "D-2024-0001", "2024-12-31", reason="重复登记")
    towns.ledger.read_model.rebuild()
    return dump(database_url)


def sending(monkeypatch, before_page: Callable[[ViewWriter, int, Any], None]) -> list[int]:
    """Count the pages sent to writer processes, calling ``before_page(writer, n, changes)``
    before the n-th (from 1) is sent."""
    sent: list[int] = []
    send = ViewWriter.send

    def counted(writer: ViewWriter, changes: Any, *, since: int, position: int) -> None:
        sent.append(position)
        before_page(writer, len(sent), changes)
        send(writer, changes, since=since, position=position)

    monkeypatch.setattr(ViewWriter, "send", counted)
    return sent


@pytest.mark.parametrize("cache_size", [500_000, 5], ids=["cached", "cache-overflowing"])
def test_a_rebuild_whose_pages_a_writer_process_stores_gives_the_same_model(
    towns, database_url, projected, monkeypatch, cache_size
):
    model = towns.ledger.read_model
    sent = sending(monkeypatch, lambda *_: None)
    model.page = SHORT_PAGE
    model.projection.cache_size = cache_size  # overflowing: each page waits for the last

    model.rebuild()

    assert dump(database_url) == projected
    assert len(sent) > len(projected["facts"]) // SHORT_PAGE  # the writer stored every page
    assert model.refresh() == projected["position"][0][1]


def test_a_catch_up_told_to_use_no_writer_process_projects_in_its_own(
    towns, database_url, projected, monkeypatch
):
    model = towns.ledger.read_model
    sent = sending(monkeypatch, lambda *_: None)
    model.page, model.pipeline_pages = SHORT_PAGE, None

    model.rebuild()

    assert sent == []
    assert dump(database_url) == projected


def test_on_one_core_a_catch_up_uses_no_writer_process(towns, database_url, projected, monkeypatch):
    monkeypatch.setattr(read_model_storage, "usable_cores", lambda: 1)
    model = towns.ledger.read_model
    sent = sending(monkeypatch, lambda *_: None)
    model.page = SHORT_PAGE

    model.rebuild()

    assert sent == []
    assert dump(database_url) == projected


def test_a_writer_process_that_finds_the_view_moved_on_stores_nothing_and_the_catch_up_ends(
    towns, database_url, projected, monkeypatch
):
    other = open_ledger(Settings(database_url=database_url))
    model = towns.ledger.read_model

    def race(writer: ViewWriter, page: int, changes: Any) -> None:
        if page == 5:  # another worker projects all the rest first (pages of 1,000: no writer)
            other.read_model.refresh()

    try:
        sent = sending(monkeypatch, race)
        model.page = SHORT_PAGE
        model.rebuild()
    finally:
        other.close()

    assert len(sent) == 5  # the fifth page found the view moved on: nothing more was sent
    assert dump(database_url) == projected


def spoil_the_third_page(writer: ViewWriter, page: int, changes: Any) -> None:
    if page == 3:  # the writer fails to add this to a count, and rolls the page back
        next(iter(changes.tallies.values()))["disputes.registered"] = "not a number"


def kill_the_writer_before_the_fourth_page(writer: ViewWriter, page: int, changes: Any) -> None:
    if page == 4:
        writer._process.kill()
        writer._process.wait()


@pytest.mark.parametrize(
    ("trouble", "error"),
    [
        (spoil_the_third_page, r"(?s)writer failed:.*TypeError"),
        (kill_the_writer_before_the_fourth_page, "writer stopped"),
    ],
    ids=["a-page-fails", "the-writer-dies"],
)
def test_a_writer_process_in_trouble_fails_the_catch_up_and_the_next_one_completes(
    towns, database_url, projected, monkeypatch, trouble, error
):
    model = towns.ledger.read_model
    sending(monkeypatch, trouble)
    model.page = SHORT_PAGE
    with pytest.raises(WriterFailed, match=error):
        model.rebuild()
    stopped_at = model.position()
    monkeypatch.undo()

    assert 0 < stopped_at < projected["position"][0][1]  # the pages stored before the trouble
    assert model.refresh() == projected["position"][0][1]  # a new writer, where it died
    assert dump(database_url) == projected


def test_an_in_memory_sqlite_ledger_catches_up_in_its_own_process():
    ledger = open_ledger(Settings(database_url="sqlite:///:memory:"))
    try:
        towns = Towns(ledger)
        seed = towns.township()
        towns.import_lines(seed_lines(township=seed))
        ledger.read_model.page = SHORT_PAGE

        ledger.read_model.rebuild()

        assert ledger.read_model.storage.writer() is None  # no other process sees its database
        assert counts(ledger, seed, ["disputes.registered"]) == {"disputes.registered": 362}
    finally:
        ledger.close()
