"""Peer groups through the API: set and read back (as of a moment), a group ranked alone by
its own weights, each township's rank within its group in the overall ranking, bad bodies
refused naming their field with nothing recorded, another county's groups not found."""

from __future__ import annotations

import json

import pytest

from tests.integration.conftest import import_lines
from tests.support import Tenants, dispute
from tests.web.api.conftest import error_of

MEDIATION = {"figure": "rates.mediation_success", "direction": "higher", "weight": 1.0}


def test_groups_set_read_and_ranked(site, ledger):
    officer = site.caller("county_officer")
    other = Tenants(ledger).township(site.county)
    import_lines(ledger, [*dispute(site.township, "D-1", "2024-02-01", resolved=True),
                          *dispute(other, "D-1", "2024-02-01", resolved=False)])  # fmt: skip
    path = f"/api/v1/counties/{site.county}/groups"
    assert officer.get(path).get_json() == {"county": site.county, "groups": []}
    body = {
        "groups": [
            {"name": "镇", "townships": [site.township], "indicators": [MEDIATION]},
            {"name": "街道", "townships": [other]},
        ]
    }
    answer = officer.put(path, json=body)
    assert answer.status_code == 200
    assert answer.get_json() == {"county": site.county, **body}
    assert site.caller("auditor").get(path).get_json() == answer.get_json()
    assert officer.get(f"{path}?as_of=2020-01-01T00:00:00Z").get_json()["groups"] == []

    ranking = f"/api/v1/counties/{site.county}/ranking?period=2024"
    overall = officer.get(ranking).get_json()
    assert "group" not in overall
    rows = {row["township"]: row for row in overall["townships"]}
    assert rows[site.township]["group"] == "镇" and rows[site.township]["group_rank"] == 1
    assert rows[other]["group"] == "街道" and rows[other]["group_rank"] == 1
    town = officer.get(f"{ranking}&group=镇").get_json()
    assert town["group"] == "镇" and town["weights"] == [MEDIATION]
    assert [row["township"] for row in town["townships"]] == [site.township]
    assert town["townships"][0]["score"] == 100.0
    unknown = officer.get(f"{ranking}&group=乡")
    assert unknown.status_code == 422 and error_of(unknown)["field"] == "group"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"groups": [{"name": "镇", "townships": ["nowhere"]}]}, "groups[1].townships[1]"),
        ({"groups": [{"name": "镇", "townships": ["{town}"]},
                     {"name": "乡", "townships": ["{town}"]}]}, "groups[2].townships[1]"),
        ({"groups": [{"name": "镇", "townships": []}, {"name": "镇", "townships": []}]},
         "groups[2].name"),
        ({"groups": [{"name": "镇", "townships": [],
                      "indicators": [{**MEDIATION, "weight": 0}]}]},
         "groups[1].indicators[1].weight"),
    ],
)  # fmt: skip
def test_bad_groups_are_refused_naming_the_field(site, body, field):
    officer = site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/groups"
    given = json.loads(json.dumps(body).replace("{town}", site.township))
    answer = officer.put(path, json=given)
    assert answer.status_code == 422
    assert error_of(answer)["field"] == field
    assert officer.get(path).get_json()["groups"] == []


def test_another_countys_groups_are_not_found(site, other_site):
    far = other_site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/groups"
    assert far.get(path).status_code == 404
    body = {"groups": [{"name": "镇", "townships": [site.township]}]}
    assert far.put(path, json=body).status_code == 404
    assert site.caller("county_officer").get(path).get_json()["groups"] == []
