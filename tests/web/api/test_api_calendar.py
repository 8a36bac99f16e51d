"""The reporting calendar through the API: deadlines set and read back, the completeness of a
year's reports, bad bodies refused naming their field with nothing recorded."""

from __future__ import annotations

import pytest

from tests.support import OPERATOR
from tests.web.api.conftest import error_of


def test_deadlines_set_and_completeness_read(site, ledger):
    officer = site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/calendar"
    assert officer.get(path).get_json() == {"county": site.county, "deadlines": []}
    body = {"deadlines": [{"period": "2025", "due": "2026-01-15", "grace_days": 2}]}
    answer = officer.put(path, json=body)
    assert answer.status_code == 200
    assert answer.get_json() == {"county": site.county, **body}
    # one year changed, the other kept
    later = {"deadlines": [{"period": "2024", "due": "2025-01-20"}]}
    kept = officer.put(path, json=later).get_json()["deadlines"]
    assert kept == [{"period": "2024", "due": "2025-01-20", "grace_days": 0}, *body["deadlines"]]
    assert site.caller("auditor").get(path).get_json()["deadlines"] == kept
    before = officer.get(f"{path}?as_of=2020-01-01T00:00:00Z").get_json()
    assert before["deadlines"] == []

    assert site.caller("head").post(
        "/api/v1/entries",
        json={"township": site.township, "type": "report_submitted", "id": "RS-2025",
              "occurred_on": "2026-01-02", "year": 2025},
    ).status_code == 201  # fmt: skip
    doc = officer.get(f"/api/v1/counties/{site.county}/completeness?period=2025").get_json()
    assert doc["period"] == "2025" and doc["due"] == "2026-01-15" and doc["grace_days"] == 2
    assert doc["completeness"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    # recorded now, long after 17 January 2026
    assert doc["timeliness"] == {"numerator": 0, "denominator": 1, "value": 0.0}
    (row,) = doc["townships"]
    assert row["township"] == site.township and row["on_time"] is False
    assert row["submitted_at"].endswith("Z")
    same = ledger.calendar.completeness(
        OPERATOR, county=site.county, period="2025", as_of=doc["as_of"]
    )
    assert doc == same


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"deadlines": [{"period": "2025-03", "due": "2026-01-15"}]}, "deadlines[1].period"),
        ({"deadlines": [{"period": "2025-Q1", "due": "2025-03-31"}]}, "deadlines[1].due"),
        ({"deadlines": [{"period": "2025", "due": "2025-06-30"}]}, "deadlines[1].due"),
        (
            {"deadlines": [{"period": "2025", "due": "2026-01-15", "grace_days": 1.5}]},
            "deadlines[1].grace_days",
        ),  # fmt: skip
        (
            {"deadlines": [{"period": "2025", "due": "2026-01-15", "grace_days": "2"}]},
            "deadlines[1].grace_days",
        ),  # fmt: skip
        ({"deadlines": []}, "deadlines"),
    ],
)
def test_a_bad_calendar_is_refused_naming_the_field(site, body, field):
    officer = site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/calendar"
    answer = officer.put(path, json=body)
    assert answer.status_code == 422
    assert error_of(answer)["field"] == field
    assert officer.get(path).get_json()["deadlines"] == []


def test_a_bad_period_is_refused(site):
    officer = site.caller("county_officer")
    answer = officer.get(f"/api/v1/counties/{site.county}/completeness?period=2025-03")
    assert answer.status_code == 422 and error_of(answer)["field"] == "period"


def test_a_quarters_deadline_and_completeness(site):
    officer = site.caller("county_officer")
    path = f"/api/v1/counties/{site.county}/calendar"
    body = {"deadlines": [{"period": "2025-Q2", "due": "2025-07-10", "grace_days": 0}]}
    answer = officer.put(path, json=body)
    assert answer.status_code == 200 and answer.get_json()["deadlines"] == body["deadlines"]
    assert site.caller("clerk").post(
        "/api/v1/entries",
        json={"township": site.township, "type": "quarter_submitted", "id": "QS-2025-Q2",
              "occurred_on": "2025-07-02", "year": 2025, "quarter": 2},
    ).status_code == 403  # fmt: skip
    assert site.caller("head").post(
        "/api/v1/entries",
        json={"township": site.township, "type": "quarter_submitted", "id": "QS-2025-Q2",
              "occurred_on": "2025-07-02", "year": 2025, "quarter": 2},
    ).status_code == 201  # fmt: skip
    doc = officer.get(f"/api/v1/counties/{site.county}/completeness?period=2025-Q2").get_json()
    assert doc["period"] == "2025-Q2" and doc["due"] == "2025-07-10"
    assert doc["completeness"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert doc["timeliness"] == {"numerator": 0, "denominator": 1, "value": 0.0}  # recorded now
