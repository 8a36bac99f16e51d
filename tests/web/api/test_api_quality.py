"""Data quality through the API (docs/api.md): the county's rules set by any subset, each
township's flags with the entries behind them, and the flags beside the rank."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.integration.test_quality import disputes, local_noon, recorded_at
from tests.web.api.conftest import error_of


def ndjson(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def test_rules_any_subset_flags_with_their_entries_and_beside_the_rank(site) -> None:
    officer, head = site.caller("county_officer"), site.caller("head")
    rules = f"/api/v1/counties/{site.county}/quality-rules"
    assert officer.get(rules).get_json() == {
        "county": site.county,
        "backfilled": {"days": 30, "above": 0.2},
        "rushed": {"days": 7, "above": 0.5},
        "same_day_closures": {"min_closed": 20, "above": 0.9},
        "retractions": {"above": 0.1},
    }
    answer = officer.put(rules, json={"backfilled": {"days": 10}, "retractions": {"above": 0.3}})
    assert answer.status_code == 200
    kept = answer.get_json()
    assert kept["backfilled"] == {"days": 10, "above": 0.2}
    assert kept["retractions"] == {"above": 0.3}
    assert kept["rushed"] == {"days": 7, "above": 0.5}
    day = date(2025, 3, 3)
    with recorded_at(local_noon(day)):
        head.post("/api/v1/imports", data=ndjson(disputes(site.township, "A", day, 2)))
    with recorded_at(local_noon(day + timedelta(days=11))):
        head.post("/api/v1/imports", data=ndjson(disputes(site.township, "B", day, 1)))
    doc = officer.get(f"/api/v1/counties/{site.county}/quality?period=2025").get_json()
    assert doc == {
        "period": "2025",
        "townships": [
            {
                "township": site.township,
                "flags": [
                    {
                        "rule": "backfilled",
                        "value": 0.3333,
                        "threshold": {"days": 10, "above": 0.2},
                        "entries": ["B-0"],
                    }
                ],
            }
        ],
    }
    earlier = "2025-03-10T00:00:00Z"  # before B-0 was recorded: nothing to flag
    doc = officer.get(f"/api/v1/counties/{site.county}/quality?period=2025&as_of={earlier}")
    assert doc.get_json()["townships"][0]["flags"] == []
    ranking = officer.get(f"/api/v1/counties/{site.county}/ranking?period=2025").get_json()
    assert ranking["townships"][0]["flags"] == ["backfilled"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"backfilled": {"days": "thirty"}}, "backfilled.days"),
        ({"retractions": {"above": 2}}, "retractions.above"),
        ({"rushed": {"weeks": 1}}, "rushed.weeks"),
        ({"speedy": {"above": 0.1}}, "speedy"),
        ({}, "rules"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(site, body: dict, field: str) -> None:
    officer = site.caller("county_officer")
    rules = f"/api/v1/counties/{site.county}/quality-rules"
    answer = officer.put(rules, json=body)
    assert answer.status_code == 422
    assert field in error_of(answer)["field"]
    assert officer.get(rules).get_json()["rushed"] == {"days": 7, "above": 0.5}


def test_a_bad_period_or_moment_is_refused_naming_it(site) -> None:
    officer = site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/quality"
    assert error_of(officer.get(f"{path}?period=2025-13"))["field"] == "period"
    assert error_of(officer.get(f"{path}?period=2025&as_of=yesterday"))["field"] == "as_of"
    now = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}"
    assert officer.get(f"{path}?period=2025&as_of={now}").status_code == 200
