"""The hash chain as the services write it: one link per township per transaction, the
canonical encoding the standard library reproduces, and a concurrent writer refused."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.chain import GENESIS, chain_uuid
from domain.entry import entry_uuid
from domain.errors import Conflict
from services import Services, chains
from services.chains import canonical, event_body, head, link_hash
from tests.support import OPERATOR, Tenants

TRICKY = ["中文/", "\x00\x01\x1f\x7f", "\b\f\n\r\t", '"\\', "\u2028\u2029", "é"]


@pytest.mark.parametrize("text", TRICKY)
def test_the_canonical_encoding_is_the_standard_librarys(text: str) -> None:
    value = {"b": [text, 1, -20, True, None], "a": {"z": text, "é": 0}, "": False}
    expected = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert canonical(value) == expected.encode("utf-8")


def _dispute(services: Services, township: str, entry_id: str) -> None:
    services.entries.record(
        OPERATOR,
        township=township,
        type="dispute_registered",
        entry_id=entry_id,
        occurred_on="2024-03-01",
        fields={"source": "screening", "category": "邻里"},
    )


def test_each_command_adds_a_link_over_the_one_before(services: Services) -> None:
    township = Tenants(services).township()
    assert head(services.app, township) is None
    _dispute(services, township, "D-1")
    _dispute(services, township, "D-2")
    links = list(services.app.events.get(chain_uuid(township)))
    assert [link.originator_version for link in links] == [1, 2]
    assert links[0].previous == GENESIS and links[1].previous == links[0].sha256
    assert [item[:3] for item in links[1].covered] == [["D-2", "dispute_registered", 1]]
    for link in links:
        version = link.originator_version
        assert link.sha256 == link_hash(township, version, link.previous, link.covered)
    assert head(services.app, township) == (2, links[1].sha256)


def test_a_command_whose_head_another_writer_moved_is_tried_again(services: Services) -> None:
    """This process holds the head it last saved; another writer moved it since: the store
    refuses the link (its version is taken), and the command, tried again, reads the head."""
    township = Tenants(services).township()
    _dispute(services, township, "D-1")
    stale = head(services.app, township)
    _dispute(services, township, "D-2")
    services.app._chain_heads[township] = stale  # as if D-2 had come from another process
    _dispute(services, township, "D-3")
    links = list(services.app.events.get(chain_uuid(township)))
    assert [link.originator_version for link in links] == [1, 2, 3]
    assert links[2].previous == links[1].sha256
    assert links[2].covered[0][0] == "D-3"


def test_a_writer_that_keeps_finding_the_head_moved_is_told_so(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    township = Tenants(services).township()
    _dispute(services, township, "D-1")
    stale = head(services.app, township)
    _dispute(services, township, "D-2")
    services.app._chain_heads[township] = stale
    monkeypatch.setattr(chains, "head", lambda app, code: stale)
    with pytest.raises(Conflict, match="changed while it was being recorded"):
        _dispute(services, township, "D-3")
    monkeypatch.undo()
    assert head(services.app, township)[0] == 2
    with pytest.raises(AggregateNotFoundError):
        services.app.repository.get(entry_uuid(township, "D-3"))


def test_an_events_body_writes_its_recording_time_with_microseconds(services: Services) -> None:
    township = Tenants(services).township()
    _dispute(services, township, "D-1")
    (event,) = services.app.events.get(entry_uuid(township, "D-1"))
    for moment in (event.timestamp, event.timestamp.replace(microsecond=0)):
        body = json.loads(canonical(event_body(replace(event, timestamp=moment))))
        assert body["recorded_at"] == moment.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
        assert body["occurred_on"] == "2024-03-01"
        assert body["fields"] == {"source": "screening", "category": "邻里"}
