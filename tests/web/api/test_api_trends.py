"""Trends through the API (docs/api.md): the service's document, one figure alone, every bad
query refused naming its field, another county's township as missing as one never made."""

from __future__ import annotations

import json

import pytest

from tests.support import OPERATOR, dispute
from tests.web.api.conftest import error_of


def ndjson(lines):
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def test_the_trends_document_for_the_county_and_the_township(site, ledger):
    town = site.township
    lines = [
        *dispute(town, "D-1", "2023-02-01", resolved=True),
        *dispute(town, "D-2", "2024-02-01", resolved=True),
        *dispute(town, "D-3", "2024-02-02", resolved=False),
    ]
    assert site.caller("head").post("/api/v1/imports", data=ndjson(lines)).status_code == 201
    path = f"/api/v1/townships/{town}/trends?from=2023&to=2024"
    for role in ("county_officer", "clerk"):
        answer = site.caller(role).get(path)
        assert answer.status_code == 200, answer.get_json()
        doc = answer.get_json()
        same = ledger.trends.trends(OPERATOR, township=town, first=2023, last=2024)
        assert doc == json.loads(json.dumps(same))
    one = site.caller("clerk").get(path + "&figure=rates.mediation_success").get_json()
    (figure,) = one["figures"]
    cells = {c["period"]: c for c in figure["values"]}
    assert cells["2024-Q1"] == {"period": "2024-Q1", "value": 0.5, "previous": 1.0,
                                "direction": "down"}  # fmt: skip
    assert cells["2023-Q1"]["direction"] is None  # nothing in 2022
    assert figure["better"] == "higher"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2024&to=2023", "to"),
        ("from=2010&to=2020", "to"),
        ("from=1948&to=1950", "from"),
        ("from=2024&to=99999999999999999999999", "to"),
        ("from=twenty&to=2024", "from"),
        ("to=2024", "from"),
        ("from=2024", "to"),
        ("from=2024&to=2024&figure=roster.officers", "figure"),
        ("from=2024&to=2024&since=2020", "since"),
    ],
)
def test_a_bad_query_is_refused_naming_its_field(site, query, field):
    answer = site.caller("county_officer").get(f"/api/v1/townships/{site.township}/trends?{query}")
    assert 400 <= answer.status_code < 500
    assert error_of(answer)["field"] == field


def test_another_countys_township_is_missing(site, other_site):
    theirs = site.caller("county_officer").get(
        f"/api/v1/townships/{other_site.township}/trends?from=2024&to=2024"
    )
    never = site.caller("county_officer").get(
        "/api/v1/townships/never-made/trends?from=2024&to=2024"
    )
    assert theirs.status_code == never.status_code == 404
    assert error_of(theirs)["code"] == error_of(never)["code"]
    outsider = other_site.caller("clerk").get(
        f"/api/v1/townships/{site.township}/trends?from=2024&to=2024"
    )
    assert outsider.status_code == 404
