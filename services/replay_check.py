"""The read model against a replay: the log projected afresh into a view in memory, then
compared fact by fact and tally by tally with the stored read model."""

from __future__ import annotations

from typing import Any

from projections.figures import Fact
from projections.ledger import LedgerProjection
from projections.memory import InMemoryLedgerView
from projections.runner import catch_up
from services.chains import canonical

ATTEMPTS = 3  # the log may grow while the replay runs: both catch up again


Mismatch = tuple[int, str, str | None, str]  # position, township, entry id, what differs


def check_read_model(app: Any, read_model: Any, townships: list[str]) -> tuple[int, list[Mismatch]]:
    """Returns the position both reached, and per township the first mismatch found."""
    replay = InMemoryLedgerView()
    projection = LedgerProjection(replay)
    for _ in range(ATTEMPTS):
        stored_at = read_model.refresh()
        if catch_up(app, projection, pipeline_pages=None) == stored_at:
            break
    findings: list[Mismatch] = []
    for township in townships:
        findings.extend(_facts(read_model, replay, township))
        findings.extend(_tallies(read_model, replay, township, stored_at))
    return stored_at, findings


def _facts(stored_view: Any, replay: Any, township: str) -> list[Mismatch]:
    stored = {f.position: f for f in stored_view.facts(township)}
    replayed = {f.position: f for f in replay.facts(township)}
    for position in sorted(stored.keys() | replayed.keys()):
        mine, theirs = stored.get(position), replayed.get(position)
        fact = mine or theirs
        if mine is None:
            what = "the read model lacks this event's fact"
        elif theirs is None:
            what = "the read model holds a fact that no event gives"
        else:
            differs = [n for n in Fact._fields if _plain(mine, n) != _plain(theirs, n)]
            if not differs:
                continue
            what = f"the read model's fact differs from a replay in {', '.join(differs)}"
        return [(position, township, fact.entry_id, what)]
    return []


def _plain(fact: Fact, name: str) -> Any:
    value = getattr(fact, name)
    return canonical(value) if name == "payload" else value


def _tallies(stored_view: Any, replay: Any, township: str, at: int) -> list[Mismatch]:
    periods = sorted(set(stored_view.tally_periods(township)) | set(replay.tally_periods(township)))
    for period in periods:
        mine = stored_view.tallies([township], period)[township]
        theirs = replay.tallies([township], period)[township]
        if mine != theirs:
            names = sorted(n for n in mine.keys() | theirs.keys() if mine[n] != theirs[n])
            shown = ", ".join(f"{n} {mine[n]} (replay {theirs[n]})" for n in names[:3])
            what = f"the read model's {period} tallies differ from a replay: {shown}"
            return [(at, township, None, what)]
    return []
