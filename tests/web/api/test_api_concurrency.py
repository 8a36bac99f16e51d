"""Eight conflicting follow-ups of one entry sent at once: exactly one is recorded (201); the
others are refused, as conflicts (409) or because the entry was answered meanwhile (422)."""

from __future__ import annotations

import threading

from tests.web.api.conftest import sign_in

MEDIATORS = ("mediation_committee", "legal_advisor", "volunteer", "other")


def test_eight_concurrent_conflicting_follow_ups(site, app, ledger):
    clerk = site.caller("clerk")
    registered = site.line("dispute_registered", "D-1", source="screening", category="land")
    assert clerk.post("/api/v1/entries", json=registered).status_code == 201
    callers = [sign_in(app.test_client(), clerk.username) for _ in range(8)]
    lines = [
        site.line(
            "dispute_mediated",
            "D-1",
            f"2024-03-{10 + n:02d}",
            outcome="resolved",
            mediator=MEDIATORS[n % 4],
        )
        for n in range(8)
    ]
    start = threading.Barrier(8)
    statuses: list[int] = []

    def send(n: int) -> None:
        start.wait()
        statuses.append(callers[n].post("/api/v1/entries", json=lines[n]).status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses).count(201) == 1, statuses
    assert set(statuses) <= {201, 409, 422}, statuses
    history = clerk.get(f"/api/v1/townships/{site.township}/entries/D-1").get_json()["history"]
    assert [item["type"] for item in history] == ["dispute_registered", "dispute_mediated"]
