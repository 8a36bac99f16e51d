"""The projection on the in-memory store: live tallies agree with folding the facts, and a
rebuild from position zero gives the same read model as following live."""

import json
from collections import Counter
from datetime import UTC, datetime

from domain.access import Principal
from domain.figure_names import MOMENT_FIGURES
from projections.figures import counts_for, fold
from projections.periods import Period
from sample.lines import township_lines
from services import open_services

OPERATOR = Principal.operator()
PERIODS = ["2024", *(f"2024-Q{q}" for q in range(1, 5)), *(f"2024-{m:02d}" for m in range(1, 13))]


def ledger_with(townships):
    services = open_services({"PERSISTENCE_MODULE": "eventsourcing.popo"})
    services.tenancy.add_county(OPERATOR, code="c", name="C")
    for code in townships:
        services.tenancy.add_township(OPERATOR, county="c", code=code, name=code)
        lines = township_lines(code, 2024, seed=len(code), scale=0.2)
        services.interchange.import_lines(OPERATOR, [json.dumps(line) for line in lines])
    return services


def retract(services, township, entry_id):
    services.entries.record(
        OPERATOR,
        township=township,
        type="entry_retracted",
        entry_id=entry_id,
        occurred_on="2024-12-30",
        fields={"reason": "recorded twice"},
    )


def folded_counts(services, township, period):
    span = Period.parse(period)
    now = datetime.now(UTC)
    states = fold(services.read_model.facts(township, until=span.end, as_of=now)).values()
    counts = counts_for(states, span, now)
    return +Counter({k: v for k, v in counts.items() if k not in MOMENT_FIGURES})


def test_live_tallies_equal_the_folded_facts_for_every_period_even_after_retractions():
    services = ledger_with(["north", "south"])
    services.read_model.refresh()
    retract(services, "north", "D-2024-0001")
    retract(services, "south", "IS-2024-0001")
    services.read_model.refresh()
    for period in PERIODS:
        tallies = services.read_model.tallies(["north", "south"], period)
        for township in ("north", "south"):
            assert +tallies[township] == folded_counts(services, township, period), period


def test_rebuilding_from_zero_gives_the_model_followed_live():
    services = ledger_with(["east"])
    services.read_model.refresh()
    retract(services, "east", "D-2024-0002")
    services.read_model.refresh()
    live = {p: services.read_model.tallies(["east"], p) for p in PERIODS}
    live_facts = services.read_model.facts("east")
    services.read_model.rebuild()
    assert {p: services.read_model.tallies(["east"], p) for p in PERIODS} == live
    assert services.read_model.facts("east") == live_facts


def test_a_command_can_wait_until_its_own_write_is_projected():
    services = ledger_with(["west"])
    recorded = services.entries.record(
        OPERATOR,
        township="west",
        type="liaison_registered",
        entry_id="L-new",
        occurred_on="2024-05-01",
        fields={},
    )
    assert not services.read_model.wait_for(recorded.position, timeout=0.05)
    services.read_model.refresh()
    assert services.read_model.wait_for(recorded.position, timeout=0.05)


def test_a_worker_in_the_background_projects_new_writes_until_stopped():
    services = ledger_with(["inland"])
    stop = services.read_model.follow_in_background(interval=0.01)
    try:
        recorded = services.entries.record(
            OPERATOR,
            township="inland",
            type="officer_certified",
            entry_id="O-new",
            occurred_on="2024-05-01",
            fields={},
        )
        assert services.read_model.wait_for(recorded.position, timeout=10)
    finally:
        stop.set()
