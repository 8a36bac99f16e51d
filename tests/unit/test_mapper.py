"""``EntryMapper`` stores an entry's events exactly as the library's own mapper would: the
chains' hashes, the audit export and every reader of the store depend on those bytes."""

from __future__ import annotations

import tracemalloc
from datetime import date

import pytest
from eventsourcing.persistence import Mapper
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalogue import ALL_TYPES
from domain.entry import Entry, entry_uuid
from infra.settings import event_store_env
from sample.lines import bulk_lines
from services import open_services
from services.application import EntryMapper
from services.entries import CREATIONS
from services.interchange import dumps
from tests.support import OPERATOR, Tenants, dispute, line, seed_year

# Text the checks let into a long field: anything but surrogates, the separators and the
# characters that reorder text (control characters too, but tabs and line breaks).
ALLOWED = st.one_of(
    st.characters(
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    st.sampled_from('\t\n\r"\\'),
)


@pytest.fixture(scope="module")
def opened():
    services = open_services({**event_store_env("memory:"), "CREATE_TABLE": "y"})
    yield services
    services.close()


@pytest.fixture
def compared(opened, monkeypatch):
    """Every event the ledger encodes while the test runs, as it was made (never as read back:
    that would be the product's own encoding decoded), with what each mapper made of it."""
    library = Mapper(opened.app.mapper.transcoder)
    assert isinstance(opened.app.mapper, EntryMapper)
    seen, ours = [], EntryMapper.to_stored_event

    def spied(self, event):
        stored = ours(self, event)
        seen.append((event, stored, library.to_stored_event(event)))
        return stored

    monkeypatch.setattr(EntryMapper, "to_stored_event", spied)
    return seen


def stored_alike(compared) -> list:
    """The entry events encoded, once each was found stored as the library stores it."""
    for event, ours, libraries in compared:
        assert ours == libraries, event
    return [event for event, _, _ in compared if isinstance(event, Entry.Event)]


def test_every_kind_of_entry_event_is_stored_as_the_library_stores_it(opened, compared) -> None:
    tenants = Tenants(opened)
    township, other = tenants.township(), tenants.township()
    lines = seed_year(township) + [
        {**line, "township": other} for line in bulk_lines(["x"], 2_000, seed=7)
    ]
    last = lines[-1]
    lines += [
        line(other, "entry_retracted", last["id"], "2025-01-02", reason="录入重复"),
        line(other, "report_submitted", "R-2023", "2024-01-08", year=2023),
        line(other, "report_returned", "R-2023", "2024-01-09", reason="缺少执法数据"),
        line(other, "report_submitted", "R-2022", "2023-01-08", year=2022),
        line(other, "report_accepted", "R-2022", "2023-01-10"),
        line(other, "quarter_submitted", "Q-2024-2", "2024-07-02", year=2024, quarter=2),
    ]
    opened.interchange.import_lines(OPERATOR, [dumps(one) for one in lines])
    entry_events = stored_alike(compared)
    assert {e.TYPE for e in entry_events} == set(ALL_TYPES)
    assert len(entry_events) == len(lines)


@settings(max_examples=300, deadline=None)
@given(reason=st.text(ALLOWED, min_size=1, max_size=40).filter(str.strip))
def test_any_text_a_clerk_may_write_is_stored_as_the_library_stores_it(opened, reason) -> None:
    township = Tenants(opened).township()
    lines = [*dispute(township, "D-1", "2024-03-01", resolved=None),
             line(township, "entry_retracted", "D-1", "2024-03-02", reason=reason)]  # fmt: skip
    opened.interchange.import_lines(OPERATOR, [dumps(one) for one in lines])
    # As stored, against the library's encoding of it as read back: text written otherwise
    # reads back the same, and the library then writes it its own way.
    stored = opened.app.recorder.select_events(entry_uuid(township, "D-1"))
    library = Mapper(opened.app.mapper.transcoder)
    retracted = opened.app.mapper.to_domain_event(stored[-1])
    assert retracted.reason == reason.strip()
    assert library.to_stored_event(retracted) == stored[-1]


def test_an_encoded_event_holds_the_memory_of_its_length(opened):
    """An import holds every line's encoded event until it writes: each holds about its
    length (orjson's bytes kept the 4 KiB it wrote them into: an import of 60,000 lines held
    450 MB where it now holds 230)."""
    recorded = CREATIONS["dispute_registered"]
    made = [
        recorded.record(
            township="t", entry_id=f"M-{n}", occurred_on=date(2024, 3, 1), actor="clerk",
            fields={"source": "screening", "category": "邻里"},
        ).collect_events()[0]
        for n in range(500)
    ]  # fmt: skip
    tracemalloc.start()
    try:
        stored = [opened.app.mapper.to_stored_event(event) for event in made]
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    longest = max(len(s.state) for s in stored)
    assert held / len(stored) < longest + 512, (held / len(stored), longest)
