"""The audit through the API, on SQLite and PostgreSQL: a ranking published and given back
byte for byte after later entries, the restatement notice and the difference to a past moment
naming those entries, histories with late events marked, verification, the audit export the
standalone verifier accepts; every auditor's look in the county's trail; other counties' records
answered as missing ones, and roles that may not refused."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from tests.integration.test_audit_export import verify_export
from tests.support import OPERATOR, Tenants, assert_restated, dispute
from tests.web.api.conftest import error_of

API = "/api/v1"


def ndjson(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def a_year(site, ledger) -> tuple[str, str]:
    """The site's township resolves 2 of 3 disputes (rank 1), a second township of the county
    1 of 2 (rank 2): the first through the API, the second by the operator."""
    a, b = site.township, Tenants(ledger).township(site.county)
    lines_a = [
        *dispute(a, "D-1", "2024-02-01", resolved=True),
        *dispute(a, "D-2", "2024-03-01", resolved=True),
        *dispute(a, "D-3", "2024-04-01", resolved=None),
    ]
    assert site.caller("clerk").post(f"{API}/imports", data=ndjson(lines_a)).status_code == 201
    for line in [
        *dispute(b, "D-1", "2024-02-01", resolved=True),
        *dispute(b, "D-2", "2024-03-01", resolved=None),
    ]:
        ledger.interchange.record_line(OPERATOR, line)
    return a, b


def ranks(rows: list[dict]) -> dict[str, int]:
    return {row["township"]: row["rank"] for row in rows}


def test_a_publication_comes_back_byte_for_byte_and_changes_are_named(site, ledger):
    a, b = a_year(site, ledger)
    officer, auditor = site.caller("county_officer"), site.caller("auditor")
    done = officer.post(f"{API}/counties/{site.county}/publications", json={"period": "2024"})
    assert done.status_code == 201, done.get_json()
    receipt = done.get_json()
    assert set(receipt) == {"id", "sha256", "position", "published_at"}

    first = auditor.get(f"{API}/publications/{receipt['id']}")
    assert first.status_code == 200
    assert first.mimetype == "application/json"
    assert first.headers["X-Content-SHA256"] == receipt["sha256"]
    assert hashlib.sha256(first.data).hexdigest() == receipt["sha256"]
    assert ranks(json.loads(first.data)["townships"]) == {a: 1, b: 2}
    ranking = f"{API}/counties/{site.county}/ranking?period=2024"
    assert "restatement" not in officer.get(ranking).get_json()

    # Later: b's second dispute mediated, a's first retracted (through the API).
    late = site.line("dispute_mediated", "D-2", "2024-03-05", outcome="resolved", mediator="other")
    ledger.interchange.record_line(OPERATOR, {**late, "township": b})
    retraction = site.line("entry_retracted", "D-1", "2025-01-20", reason="登记有误")
    assert site.caller("clerk").post(f"{API}/entries", json=retraction).status_code == 201

    again = officer.get(f"{API}/publications/{receipt['id']}")
    assert again.data == first.data
    assert again.headers["X-Content-SHA256"] == receipt["sha256"]

    today = officer.get(ranking).get_json()
    assert ranks(today["townships"]) == {a: 2, b: 1}
    assert_restated(today["restatement"], receipt["id"], a, b)
    # As it stood then: the published ranks, and no notice.
    then = officer.get(
        f"{API}/counties/{site.county}/ranking",
        query_string={"period": "2024", "as_of": receipt["published_at"]},
    ).get_json()
    assert ranks(then["townships"]) == {a: 1, b: 2}
    assert "restatement" not in then

    difference = auditor.get(
        f"{API}/counties/{site.county}/ranking/difference",
        query_string={"period": "2024", "as_of": receipt["published_at"]},
    )
    assert difference.status_code == 200, difference.get_json()
    found = difference.get_json()
    assert {(c["township"], c["then_rank"], c["rank"]) for c in found["changed"]} == {
        (a, 1, 2),
        (b, 2, 1),
    }
    assert {(e["township"], e["entry_id"], e["type"]) for e in found["entries"]} == {
        (b, "D-2", "dispute_mediated"),
        (a, "D-1", "entry_retracted"),
    }
    listed = officer.get(f"{API}/counties/{site.county}/publications").get_json()
    assert [p["id"] for p in listed["publications"]] == [receipt["id"]]
    assert listed["publications"][0]["kind"] == "ranking"


def test_the_figures_difference_names_the_entries_since(site, ledger):
    a, _ = a_year(site, ledger)
    moment = ledger.figures.figures(OPERATOR, township=a, period="2024")["as_of"]
    retraction = site.line("entry_retracted", "D-2", "2025-01-20", reason="重复登记")
    site.caller("clerk").post(f"{API}/entries", json=retraction)
    auditor = site.caller("auditor")
    answer = auditor.get(
        f"{API}/townships/{a}/figures/difference",
        query_string={"period": "2024", "as_of": moment},
    )
    assert answer.status_code == 200, answer.get_json()
    found = answer.get_json()
    assert found["changed"]["disputes.registered"] == {"then": 3, "now": 2}
    assert found["changed"]["rates.mediation_success.numerator"] == {"then": 2, "now": 1}
    assert [(e["entry_id"], e["type"]) for e in found["entries"]] == [("D-2", "entry_retracted")]
    assert "retracted after" in found["entries"][0]["why"]
    # The as-of moment is required, and named when it is not a time.
    missing = auditor.get(f"{API}/townships/{a}/figures/difference?period=2024")
    assert missing.status_code == 422 and error_of(missing)["field"] == "as_of"
    bad = auditor.get(f"{API}/townships/{a}/figures/difference?period=2024&as_of=yesterday")
    assert bad.status_code == 422 and error_of(bad)["field"] == "as_of"


def test_histories_mark_late_events_and_the_auditors_looks_are_recorded(site, ledger):
    a, _ = a_year(site, ledger)
    clerk, auditor = site.caller("clerk"), site.caller("auditor")
    entry = auditor.get(f"{API}/townships/{a}/entries/D-1")
    assert entry.status_code == 200, entry.get_json()
    found = entry.get_json()
    assert [e["type"] for e in found["history"]] == ["dispute_registered", "dispute_mediated"]
    # Recorded today for 2024: long after the business date.
    assert all("days after its business date" in e["late"][0] for e in found["history"])
    assert all(isinstance(e["position"], int) for e in found["history"])

    today = ledger.figures.figures(OPERATOR, township=a, period="2024")["as_of"]
    on_time = site.line("liaison_registered", "L-1", today[:10])
    clerk.post(f"{API}/entries", json=on_time)
    window = auditor.get(f"{API}/townships/{a}/history", query_string={"from": today})
    assert window.status_code == 200, window.get_json()
    stream = window.get_json()
    assert [(e["entry_id"], e["late"]) for e in stream["events"]] == [("L-1", [])]
    everything = auditor.get(f"{API}/townships/{a}/history?from=2020-01-01T00:00:00Z").get_json()
    assert len(everything["events"]) == 6
    before = auditor.get(
        f"{API}/townships/{a}/history?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z"
    )
    assert before.get_json()["events"] == []
    missing = auditor.get(f"{API}/townships/{a}/history")
    assert missing.status_code == 422 and error_of(missing)["field"] == "from"
    bad = auditor.get(f"{API}/townships/{a}/history?from=2024-13-01")
    assert bad.status_code == 422 and error_of(bad)["field"] == "from"

    # The clerk's look at their own township is not the audit's; the auditor's are all there.
    clerk.get(f"{API}/townships/{a}/entries/D-2")
    looks = site.caller("county_officer").get(f"{API}/counties/{site.county}/audit-log")
    assert looks.status_code == 200
    seen = [(look["actor"], look["action"], look["subject"]) for look in looks.get_json()["looks"]]
    assert seen == [
        (auditor.username, "history of entry D-1", a),
        (auditor.username, f"history from {today} to now", a),
        (auditor.username, "history from 2020-01-01T00:00:00Z to now", a),
        (
            auditor.username,
            "history from 2020-01-01T00:00:00Z to 2020-02-01T00:00:00Z",
            a,
        ),
    ]
    # A page at a time: the same looks, in the same order
    officer, paged, cursor = site.caller("county_officer"), [], ""
    while cursor is not None:
        page = officer.get(
            f"{API}/counties/{site.county}/audit-log", query_string={"limit": 3, "cursor": cursor}
        ).get_json()
        assert page["total"] == 4 and len(page["looks"]) <= 3
        paged += [(look["actor"], look["action"], look["subject"]) for look in page["looks"]]
        cursor = page["next_cursor"]
    assert paged == seen


def test_verification_answers_with_the_result(site, ledger):
    a, b = a_year(site, ledger)
    auditor = site.caller("auditor")
    county = auditor.post(f"{API}/verifications", json={})
    assert county.status_code == 200, county.get_json()
    result = county.get_json()
    assert (result["ok"], result["first"], result["findings"]) == (True, None, 0)
    assert result["townships"] == 2 and result["events"] == 8
    assert "the read model matches a replay" in result["summary"]
    one = auditor.post(f"{API}/verifications", json={"township": b}).get_json()
    assert (one["ok"], one["townships"], one["events"]) == (True, 1, 3)
    named = auditor.post(f"{API}/verifications", json={"county": site.county}).get_json()
    assert named["townships"] == 2
    looks = ledger.trail.looks(OPERATOR, county=site.county)
    assert [(x["action"], x["subject"]) for x in looks] == [
        ("verification", site.county),
        ("verification", b),
        ("verification", site.county),
    ]
    unknown = auditor.post(f"{API}/verifications", json={"townships": a})
    assert unknown.status_code == 422 and error_of(unknown)["field"] == "townships"


def test_the_audit_export_is_the_file_the_standalone_verifier_accepts(site, ledger, tmp_path):
    a, b = a_year(site, ledger)
    ledger.publications.publish_ranking(OPERATOR, county=site.county, period="2024")
    auditor = site.caller("auditor")
    for path, name, townships in (
        (f"{API}/townships/{a}/audit-export", f"{a}-audit-export.jsonl", [a]),
        (f"{API}/counties/{site.county}/audit-export", f"{site.county}-audit-export.jsonl", None),
    ):
        answer = auditor.get(path)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        assert answer.mimetype == "application/x-ndjson"
        assert name in answer.headers["Content-Disposition"]
        digest = answer.headers["X-Content-SHA256"]
        assert hashlib.sha256(answer.data).hexdigest() == digest
        header = json.loads(answer.data.splitlines()[0])
        assert header["townships"] == (townships or sorted([a, b]))
        saved = Path(tmp_path, name)
        saved.write_bytes(answer.data)
        checked = verify_export(saved, "--receipt", digest)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        records = [json.loads(line)["record"] for line in answer.data.splitlines()]
        assert "anchor" in records and records[-1] == "end"
        # One byte changed: the verifier names the record.
        spoilt = Path(tmp_path, "spoilt.jsonl")
        spoilt.write_bytes(answer.data.replace("邻里".encode(), "土地".encode(), 1))
        refused = verify_export(spoilt)
        assert refused.returncode == 1 and "line " in refused.stderr + refused.stdout
    looks = ledger.trail.looks(OPERATOR, county=site.county)
    assert [(x["actor"], x["action"], x["subject"]) for x in looks] == [
        (auditor.username, "export", a),
        (auditor.username, "export", site.county),
    ]


def test_roles_that_may_not_are_refused(site, ledger):
    a_year(site, ledger)
    county = site.county
    refused = {
        "clerk": [
            ("POST", f"{API}/verifications", {"township": site.township}),
            ("GET", f"{API}/townships/{site.township}/audit-export", None),
        ],
        "county_officer": [
            ("POST", f"{API}/verifications", {}),
            ("GET", f"{API}/counties/{county}/audit-export", None),
        ],
        "auditor": [("POST", f"{API}/counties/{county}/publications", {"period": "2024"})],
    }
    for role, calls in refused.items():
        caller = site.caller(role)
        for method, path, body in calls:
            answer = caller.client.open(path, method=method, json=body, headers=caller.headers)
            assert answer.status_code == 403, (role, path, answer.get_json())
            assert error_of(answer)["code"] == "forbidden"
    # A clerk sees no county at all: its publications are not found for them.
    clerk = site.caller("clerk")
    publish = clerk.post(f"{API}/counties/{county}/publications", json={"period": "2024"})
    assert publish.status_code == 404 and error_of(publish)["field"] == "county"
    assert ledger.publications.published(OPERATOR, county=county) == []
    assert ledger.trail.looks(OPERATOR, county=county) == []


# Another county's records, asked for by this county's auditor and officer: each answer is
# the one a record that does not exist gets.
AUDIT_ROUTES = (
    ("auditor", "GET", "/townships/{township}/entries/D-1", None),
    ("auditor", "GET", "/townships/{township}/history?from=2020-01-01T00:00:00Z", None),
    (
        "auditor",
        "GET",
        "/townships/{township}/figures/difference?period=2024&as_of=2025-01-01",
        None,
    ),
    ("auditor", "GET", "/counties/{county}/ranking/difference?period=2024&as_of=2025-01-01", None),
    ("auditor", "POST", "/verifications", {"township": "{township}"}),
    ("auditor", "POST", "/verifications", {"county": "{county}"}),
    ("auditor", "GET", "/townships/{township}/audit-export", None),
    ("auditor", "GET", "/counties/{county}/audit-export", None),
    ("auditor", "GET", "/counties/{county}/audit-log", None),
    ("auditor", "GET", "/counties/{county}/publications", None),
    ("county_officer", "POST", "/counties/{county}/publications", {"period": "2024"}),
    ("county_officer", "GET", "/counties/{county}/audit-log", None),
)


def test_another_countys_records_look_missing(site, other_site, ledger):
    a_year(other_site, ledger)
    for role, method, route, body in AUDIT_ROUTES:
        caller = site.caller(role)

        def ask(names, caller=caller, method=method, route=route, body=body):
            path = API + route.format(**names)
            given = body and {k: v.format(**names) for k, v in body.items()}
            return caller.client.open(path, method=method, json=given, headers=caller.headers)

        theirs = ask({"township": other_site.township, "county": other_site.county})
        never = ask({"township": "never-made", "county": "never-made"})
        assert theirs.status_code == never.status_code == 404, (route, theirs.get_json())
        mine, missing = error_of(theirs), error_of(never)
        for name in (other_site.township, other_site.county):
            mine["message"] = mine["message"].replace(name, "never-made")
        assert mine == missing, route
    assert ledger.trail.looks(OPERATOR, county=other_site.county) == []


def test_another_countys_publication_looks_missing(site, other_site, ledger):
    a_year(other_site, ledger)
    theirs = ledger.publications.publish_ranking(OPERATOR, county=other_site.county, period="2024")
    auditor = site.caller("auditor")
    answer = auditor.get(f"{API}/publications/{theirs.id}")
    never = auditor.get(f"{API}/publications/{theirs.id[:-4]}0000")
    assert answer.status_code == never.status_code == 404
    assert error_of(answer)["field"] == error_of(never)["field"] == "id"
    assert error_of(answer)["message"].replace(theirs.id, "X") == error_of(never)[
        "message"
    ].replace(theirs.id[:-4] + "0000", "X")
    # A clerk of the county the ranking belongs to: a county's document, not the township's.
    assert other_site.caller("clerk").get(f"{API}/publications/{theirs.id}").status_code == 404
    assert other_site.caller("auditor").get(f"{API}/publications/{theirs.id}").status_code == 200


def test_a_script_reads_the_follow_up_it_has_just_recorded(site, ledger):
    """As under gunicorn: a projection worker keeps the read model and queries only read it.
    The entry's history waits for what the store holds of it (here the worker projects it
    0.3 s after the request came in), instead of answering without it."""
    clerk = site.caller("clerk")
    line = site.line("dispute_registered", "D-9", source="screening", category="土地")
    assert clerk.post(f"{API}/entries", json=line).status_code == 201
    ledger.read_model.refresh()
    ledger.read_model.refresh_before_reads = False
    mediated = site.line("dispute_mediated", "D-9", outcome="resolved", mediator="other")
    assert clerk.post(f"{API}/entries", json=mediated).status_code == 201
    new = site.line("liaison_registered", "L-9")
    assert clerk.post(f"{API}/entries", json=new).status_code == 201
    worker = threading.Timer(0.3, ledger.read_model.refresh)
    worker.start()
    try:
        entry = clerk.get(f"{API}/townships/{site.township}/entries/D-9")
        liaison = clerk.get(f"{API}/townships/{site.township}/entries/L-9")
    finally:
        worker.join()
    assert [e["type"] for e in entry.get_json()["history"]] == [
        "dispute_registered",
        "dispute_mediated",
    ]
    assert liaison.status_code == 200
