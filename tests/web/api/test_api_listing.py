"""A township's entries listed from the read model: filters, and a cursor through pages."""

from __future__ import annotations

import json

from tests.web.api.conftest import error_of


def ndjson(lines):
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def test_entries_are_listed_in_pages_with_filters(site):
    clerk = site.caller("clerk")
    lines = []
    for n in range(1, 8):
        day = f"2024-0{n}-10"
        lines.append(
            site.line(
                "issue_found", f"Q-{n}", day, category="c", description="d", deadline="2024-12-31"
            )
        )
    lines.append(site.line("issue_rectified", "Q-2", "2024-08-01"))
    lines.append(site.line("entry_retracted", "Q-3", "2024-08-01", reason="wrong township"))
    lines.append(site.line("liaison_registered", "L-1", "2024-05-05"))
    assert clerk.post("/api/v1/imports", data=ndjson(lines)).status_code == 201
    base = f"/api/v1/townships/{site.township}/entries"

    # The latest business date first.
    first = clerk.get(base + "?limit=3").get_json()
    assert [i["id"] for i in first["items"]] == ["Q-7", "Q-6", "Q-5"]
    assert first["total"] == 8
    second = clerk.get(base + f"?limit=3&cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in second["items"]] == ["L-1", "Q-4", "Q-3"]
    third = clerk.get(base + f"?limit=3&cursor={second['next_cursor']}").get_json()
    assert [i["id"] for i in third["items"]] == ["Q-2", "Q-1"]
    assert third["next_cursor"] is None

    open_issues = clerk.get(base + "?type=issue_found&open=true").get_json()["items"]
    assert [i["id"] for i in open_issues] == ["Q-7", "Q-6", "Q-5", "Q-4", "Q-1"]
    assert all(i["open"] for i in open_issues)
    spring = clerk.get(base + "?from=2024-03-01&to=2024-05-31").get_json()["items"]
    assert [i["id"] for i in spring] == ["Q-5", "L-1", "Q-4", "Q-3"]
    assert spring[-1]["retracted"] is True
    assert spring[0]["deadline"] == "2024-12-31"


def test_bad_filters_name_their_field(site):
    clerk = site.caller("clerk")
    base = f"/api/v1/townships/{site.township}/entries"
    cases = {
        "type": "?type=party_held",
        "limit": "?limit=0",
        "from": "?from=March",
        "cursor": "?cursor=abc",
        "open": "?open=perhaps",
    }
    for field, query in cases.items():
        answer = clerk.get(base + query)
        assert answer.status_code == 422, (field, answer.get_json())
        assert error_of(answer)["field"] == field
