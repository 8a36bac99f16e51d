"""Tenant isolation over every route: another township's or county's record answers exactly as
one that does not exist (the same status and body)."""

from __future__ import annotations

import io

from tests.evidence_samples import pdf
from tests.support import OPERATOR

ROUTES = (
    ("GET", "/api/v1/townships/{township}/entries"),
    ("GET", "/api/v1/townships/{township}/entries/E-1"),
    ("GET", "/api/v1/townships/{township}/entries/E-1/evidence"),
    ("POST", "/api/v1/townships/{township}/entries/E-1/evidence"),
    ("GET", "/api/v1/townships/{township}/figures?period=2024"),
    ("GET", "/api/v1/townships/{township}/trace?period=2024&figure=roster.liaisons"),
    ("GET", "/api/v1/townships/{township}/trends?from=2023&to=2024"),
    ("GET", "/api/v1/townships/{township}/reports/2024?format=html"),
    ("GET", "/api/v1/counties/{county}/ranking?period=2024"),
    ("GET", "/api/v1/counties/{county}/indicators"),
    ("PUT", "/api/v1/counties/{county}/indicators"),
    ("GET", "/api/v1/counties/{county}/calendar"),
    ("PUT", "/api/v1/counties/{county}/calendar"),
    ("GET", "/api/v1/counties/{county}/completeness?period=2024"),
)
INDICATORS = {"indicators": [{"figure": "roster.liaisons", "direction": "higher", "weight": 1}]}
DEADLINES = {"deadlines": [{"period": "2024", "due": "2025-01-15", "grace_days": 0}]}


def ask(caller, method, path):
    if method == "PUT":
        return caller.put(path, json=DEADLINES if path.endswith("/calendar") else INDICATORS)
    if method == "POST":  # a file attached to an entry
        return caller.post(path, data={"file": (io.BytesIO(pdf()), "x.pdf")})
    return caller.get(path)


def test_another_tenants_records_look_missing(site, other_site, ledger):
    ledger.interchange.record_line(OPERATOR, other_site.line("liaison_registered", "E-1"))
    for role in ("clerk", "county_officer", "auditor"):
        caller = site.caller(role)
        for method, route in ROUTES:
            theirs = ask(caller, method, route.format(**vars(other_site)))
            missing = ask(caller, method, route.format(township="zz-none", county="zz-none"))
            assert theirs.status_code == 404, (role, route, theirs.get_json())
            # The same body as a record that does not exist under the same name would give.
            assert theirs.get_json()["error"]["code"] == missing.get_json()["error"]["code"]
            assert theirs.get_json()["error"]["field"] == missing.get_json()["error"]["field"]


def test_the_same_body_for_another_tenants_entry_and_a_missing_one(site, other_site, ledger):
    """Same names on both sides: the body cannot tell them apart."""
    ledger.interchange.record_line(OPERATOR, other_site.line("liaison_registered", "E-1"))
    clerk = site.caller("clerk")
    mine_missing = clerk.get(f"/api/v1/townships/{site.township}/entries/E-1")
    assert mine_missing.status_code == 404
    outsider = other_site.caller("clerk")
    theirs = outsider.get(f"/api/v1/townships/{site.township}/entries/E-1")
    never = outsider.get("/api/v1/townships/never-made/entries/E-1")
    assert theirs.status_code == never.status_code == 404
    assert theirs.get_json()["error"] == {
        **never.get_json()["error"],
        "message": never.get_json()["error"]["message"].replace("never-made", site.township),
    }
    line = {**site.line("liaison_registered", "E-9")}
    posted = outsider.post("/api/v1/entries", json=line)
    posted_missing = outsider.post("/api/v1/entries", json={**line, "township": "never-made"})
    assert posted.status_code == posted_missing.status_code == 404
    assert posted.get_json()["error"]["message"] == posted_missing.get_json()["error"][
        "message"
    ].replace("never-made", site.township)
