"""The restatement notice says what changed a published rank — entries recorded or retracted
since, or the indicators (weights) — and lists only the townships whose rank changed; its
entries, like the as-of differences', are counted, the first named, the rest paged. On the
in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from domain.errors import InvalidField, NotFound
from services import Services
from services.differences import FIRST_ENTRIES
from tests.integration.conftest import Towns, moment
from tests.support import OPERATOR, Place, dispute, line

RECTIFICATION = {"figure": "rates.rectification", "direction": "higher", "weight": 1}
MEDIATION = {"figure": "rates.mediation_success", "direction": "higher", "weight": 1}


def issues(town: str, found: int, rectified: int) -> list[dict]:
    lines = []
    for n in range(found):
        lines.append(
            line(
                town,
                "issue_found",
                f"I-{n}",
                "2024-03-01",
                category="消防",
                description="通道堵塞",
                deadline="2024-04-01",
            )
        )
        if n < rectified:
            lines.append(line(town, "issue_rectified", f"I-{n}", "2024-03-10"))
    return lines


def a_year(towns: Towns) -> tuple[str, str, str, str]:
    """Mediation: a 3/3 (rank 1), b 2/3 (2), c 0/3 (3). Rectification: b 2/2, a 1/2, c 1/2.
    Ranked by both: b 83.33 (1), a 75 (2), c 25 (3)."""
    county, (a, b, c) = towns.townships(3)
    towns.import_lines(
        [
            *[row for n in range(3) for row in dispute(a, f"D-{n}", "2024-02-01", resolved=True)],
            *[row for n in range(2) for row in dispute(b, f"D-{n}", "2024-02-01", resolved=True)],
            *dispute(b, "D-2", "2024-02-01", resolved=False),
            *[row for n in range(3) for row in dispute(c, f"D-{n}", "2024-02-01", resolved=None)],
            *issues(a, 2, 1),
            *issues(b, 2, 2),
            *issues(c, 2, 1),
        ]
    )
    return county, a, b, c


def publish(ledger: Services, county: str, *indicators: dict):
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=list(indicators))
    return ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")


def restated(ledger: Services, county: str) -> dict:
    notice = ledger.publications.restatement(OPERATOR, county=county, period="2024")
    assert notice is not None
    return notice


def moved(notice: dict) -> set[tuple[str, int, int]]:
    return {(c["township"], c["published_rank"], c["rank"]) for c in notice["changed"]}


def test_new_weights_are_named_and_no_entry_is_blamed(ledger: Services, towns: Towns):
    county, a, b, _ = a_year(towns)
    receipt = publish(ledger, county, MEDIATION)
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=[MEDIATION, RECTIFICATION])
    notice = restated(ledger, county)
    assert notice["publication"] == receipt.id
    assert notice["because"] == ["indicators"]
    assert notice["published_indicators"] == [MEDIATION]
    assert moved(notice) == {(a, 1, 2), (b, 2, 1)}  # c: 0 -> 25, third all along: not listed
    assert notice["counts"] == {"recorded": 0, "retracted": 0, "townships": []}
    assert notice["entries"] == [] and notice["next_cursor"] is None


def test_late_entries_are_named_and_a_score_that_kept_its_rank_is_not(ledger, towns):
    county, a, b, c = a_year(towns)
    publish(ledger, county, MEDIATION)
    towns.record(c, "dispute_mediated", "D-0", "2024-02-05", outcome="resolved", mediator="other")
    assert ledger.publications.restatement(OPERATOR, county=county, period="2024") is None
    towns.record(a, "entry_retracted", "D-0", "2025-01-20", reason="登记有误")
    towns.import_lines([row for n in (8, 9) for row in dispute(a, f"D-{n}", "2024-05-01",
                                                                 resolved=False)])  # fmt: skip
    notice = restated(ledger, county)  # a 2/4, b 2/3, c 1/3
    assert notice["because"] == ["entries"]
    assert moved(notice) == {(a, 1, 2), (b, 2, 1)}  # c: 0% -> 33%, third all along
    assert notice["counts"] == {
        "recorded": 5,
        "retracted": 1,
        "townships": [
            {"township": a, "recorded": 4, "retracted": 1},
            {"township": c, "recorded": 1, "retracted": 0},
        ],
    }
    assert [(e["township"], e["type"], e["why"]) for e in notice["entries"]] == [
        (c, "dispute_mediated", "recorded after the publication"),
        (a, "entry_retracted", "retracted after the publication"),
        (a, "dispute_registered", "recorded after the publication"),
        (a, "dispute_mediated", "recorded after the publication"),
        (a, "dispute_registered", "recorded after the publication"),
        (a, "dispute_mediated", "recorded after the publication"),
    ]


def test_both_are_named_when_both_moved_ranks(ledger: Services, towns: Towns):
    county, a, b, c = a_year(towns)
    publish(ledger, county, MEDIATION)
    ledger.rankings.set_indicators(OPERATOR, county=county, indicators=[RECTIFICATION])
    # c resolves its disputes: by mediation it would share the first rank with a now
    for n in range(3):
        towns.record(c, "dispute_mediated", f"D-{n}", "2024-02-05", outcome="resolved",
                     mediator="other")  # fmt: skip
    notice = restated(ledger, county)  # by rectification: b 1, a and c 2
    assert notice["because"] == ["entries", "indicators"]
    assert moved(notice) == {(a, 1, 2), (b, 2, 1), (c, 3, 2)}


def test_many_late_entries_are_counted_named_first_and_paged(ledger: Services, towns: Towns):
    county, a, b, c = a_year(towns)
    receipt = publish(ledger, county, MEDIATION)
    before = moment()
    late = [row for n in range(120) for row in dispute(c, f"L-{n}", "2024-06-01", resolved=True)]
    other_year = dispute(c, "L-2023", "2023-06-01", resolved=True)  # counts in no 2024 figure
    roster = [line(b, "volunteer_pledged", "V-1", "2023-12-01", post="none")]  # 2024's roster
    towns.import_lines([*late, *other_year, *roster])
    notice = restated(ledger, county)
    assert notice["counts"]["recorded"] == 241 and notice["counts"]["retracted"] == 0
    assert len(notice["entries"]) == FIRST_ENTRIES and notice["next_cursor"]
    seen, cursor, pages = [], None, 0
    while True:
        page = ledger.publications.entries_since(
            OPERATOR, publication_id=receipt.id, cursor=cursor, limit=100
        )
        assert page["total"] == 241
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen[:FIRST_ENTRIES] == notice["entries"]
    assert [e["position"] for e in seen] == sorted({e["position"] for e in seen})
    assert {e["entry_id"] for e in seen} == {f"L-{n}" for n in range(120)} | {"V-1"}
    full = ledger.publications.restatement(OPERATOR, county=county, period="2024", first=None)
    assert full["entries"] == seen and full["next_cursor"] is None

    auditor = Place(county, "").auditor()
    ranking = ledger.differences.ranking_since(auditor, county=county, period="2024", as_of=before)
    assert ranking["counts"]["recorded"] == 241 and len(ranking["entries"]) == FIRST_ENTRIES
    figures = ledger.differences.figures_since(auditor, township=c, period="2024", as_of=before)
    assert figures["counts"]["recorded"] == 240
    asked = {"township": c, "period": "2024", "as_of": before, "limit": 200}
    rest = ledger.differences.entries_since(auditor, cursor=figures["next_cursor"], **asked)
    last = ledger.differences.entries_since(auditor, cursor=rest["next_cursor"], **asked)
    assert rest["total"] == last["total"] == 240 and last["next_cursor"] is None
    assert len(figures["entries"]) + len(rest["items"]) + len(last["items"]) == 240
    everything = ledger.differences.figures_since(
        auditor, township=c, period="2024", as_of=before, first=None
    )
    assert len(everything["entries"]) == 240
    looks = [look["action"] for look in ledger.trail.looks(OPERATOR, county=county)]
    assert f"entries of 2024 recorded since {figures['as_of']}" in looks


def test_a_page_asks_for_a_cursor_and_a_limit_it_can_give(ledger: Services, towns: Towns):
    county, *_ = a_year(towns)
    receipt = publish(ledger, county, MEDIATION)
    entries = ledger.publications.entries_since
    for cursor, limit, field in (("x", 10, "cursor"), ("-1", 10, "cursor"), (None, 0, "limit")):
        with pytest.raises(InvalidField) as refused:
            entries(OPERATOR, publication_id=receipt.id, cursor=cursor, limit=limit)
        assert refused.value.field == field
    stranger = Place(towns.county(), "").officer()
    with pytest.raises(NotFound):
        entries(stranger, publication_id=receipt.id)
