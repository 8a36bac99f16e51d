"""Isolation under fuzz (issue 12, item 5): users of every role send a random sequence of
requests to every route of the app (pages and API), naming both counties' townships and
entries, and none. No answer may hold another tenant's codes, names or texts; another
tenant's record must answer exactly as a missing one; and nothing may be recorded but by a
user who may record it.

``LEDGER_FUZZ_REQUESTS`` sets the number of requests (1,500 by default and in CI);
``LEDGER_FUZZ_SEED`` replays a run (a fixed seed by default; ``random`` for a new one). A
failure prints the seed and each offending request."""

from __future__ import annotations

from tests.fuzz.conftest import fuzz_seed, fuzz_size
from tests.fuzz.oracle import check_writes, run
from tests.fuzz.traffic import ENDS_THE_WORLD


def test_no_answer_reveals_or_changes_another_tenants_data(world):
    seed = fuzz_seed(20261201)
    count = fuzz_size("LEDGER_FUZZ_REQUESTS", 1_500)
    before, start = world.entry_events(), world.position()

    tally = run(world, seed, count)
    wrong = check_writes(world, before, start, tally)

    summary = (
        f"seed={seed} requests={tally.requests} replays={tally.replays} "
        f"foreign={tally.foreign} by role {dict(tally.by_role)} by kind {dict(tally.by_kind)} "
        f"statuses {dict(sorted(tally.by_status.items()))}"
    )
    print(summary)
    print(f"endpoints {dict(sorted(tally.by_endpoint.items()))}")
    problems = tally.violations + wrong
    assert not problems, f"{summary}\n{len(problems)} violation(s):\n" + "\n".join(problems[:20])
    routes = {rule.endpoint for rule in world.app.url_map.iter_rules()} - ENDS_THE_WORLD
    missed = routes - set(tally.by_endpoint)
    assert not missed or count < 500, f"routes never asked: {sorted(missed)}"
