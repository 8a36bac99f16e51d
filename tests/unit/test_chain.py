"""The hash chain as the services write it: one link per township per transaction, the
canonical encoding the standard library reproduces (concurrent writers:
tests/integration/test_chain_writers.py)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from domain.chain import GENESIS, chain_uuid
from domain.entry import entry_uuid
from services import Services
from services.chains import canonical, event_body, link_hash
from tests.support import Tenants, record_dispute

TRICKY = ["中文/", "\x00\x01\x1f\x7f", "\b\f\n\r\t", '"\\', "\u2028\u2029", "é"]


@pytest.mark.parametrize("text", TRICKY)
def test_the_canonical_encoding_is_the_standard_librarys(text: str) -> None:
    value = {"b": [text, 1, -20, True, None], "a": {"z": text, "é": 0}, "": False}
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical(value) == expected.encode("utf-8")


def test_each_command_adds_a_link_over_the_one_before(services: Services) -> None:
    township = Tenants(services).township()
    assert services.app.chain_head(township) is None
    record_dispute(services, township, "D-1")
    record_dispute(services, township, "D-2")
    links = list(services.app.events.get(chain_uuid(township)))
    assert [link.originator_version for link in links] == [1, 2]
    assert links[0].previous == GENESIS and links[1].previous == links[0].sha256
    assert [item[:3] for item in links[1].covered] == [["D-2", "dispute_registered", 1]]
    for link in links:
        version = link.originator_version
        assert link.sha256 == link_hash(township, version, link.previous, link.covered)
    assert services.app.chain_head(township) == (2, links[1].sha256)


def test_an_events_body_writes_its_recording_time_with_microseconds(services: Services) -> None:
    township = Tenants(services).township()
    record_dispute(services, township, "D-1")
    (event,) = services.app.events.get(entry_uuid(township, "D-1"))
    for moment in (event.timestamp, event.timestamp.replace(microsecond=0)):
        body = json.loads(canonical(event_body(replace(event, timestamp=moment))))
        assert body["recorded_at"] == moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        assert body["occurred_on"] == "2024-03-01"
        assert body["fields"] == {"source": "screening", "category": "邻里"}


def test_a_link_is_stored_as_the_librarys_mapper_stores_its_event(services: Services) -> None:
    """``Links`` writes a link's stored state itself: the mapper reads it back to the link it
    made, and encodes that link again to the very same bytes (the first link, which creates
    the chain, and one after it)."""
    township = Tenants(services).township()
    record_dispute(services, township, "D-中文.é")
    record_dispute(services, township, "D-2")
    mapper = services.app.mapper
    stored = services.app.recorder.select_events(chain_uuid(township))
    assert [s.topic for s in stored] == ["domain.chain:Chain.Started", "domain.chain:Chain.Linked"]
    previous = GENESIS
    for s in stored:
        link = mapper.to_domain_event(s)
        assert mapper.to_stored_event(link) == s
        assert link.township == township and link.previous == previous
        assert link.sha256 == link_hash(township, s.originator_version, previous, link.covered)
        previous = link.sha256
    first, second = (mapper.to_domain_event(s) for s in stored)
    assert first.covered[0][:3] == ["D-中文.é", "dispute_registered", 1]
    assert services.app.repository.get(chain_uuid(township)).head == second.sha256
