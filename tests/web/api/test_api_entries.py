"""Recording through the API: one line, a whole file, with the caller's rights; an entry's
history; bad input answered with the error document naming the field (and line)."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import quote

from services.catalogue import today
from tests.support import before_safe_ids
from tests.web.api.conftest import error_of

ENTRIES = "/api/v1/entries"
IMPORTS = "/api/v1/imports"


def ndjson(lines: list[dict]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def test_a_line_is_recorded_once(site):
    clerk = site.caller("clerk")
    line = site.line("dispute_registered", "D-1", source="screening", category="land")
    first = clerk.post(ENTRIES, json=line)
    assert first.status_code == 201
    body = first.get_json()
    assert body["township"] == site.township
    assert (body["id"], body["type"]) == ("D-1", "dispute_registered")
    assert isinstance(body["position"], int)
    again = clerk.post(ENTRIES, json=line)
    assert again.status_code == 200
    history = clerk.get(f"/api/v1/townships/{site.township}/entries/D-1").get_json()
    assert len(history["history"]) == 1


def test_follow_ups_and_retractions_make_the_history(site):
    clerk = site.caller("clerk")
    clerk.post(
        ENTRIES, json=site.line("dispute_registered", "D-2", source="petition", category="x")
    )
    mediated = site.line(
        "dispute_mediated", "D-2", "2024-03-09", outcome="failed", mediator="other"
    )
    assert clerk.post(ENTRIES, json=mediated).status_code == 201
    retracted = site.line("entry_retracted", "D-2", "2024-03-10", reason="typed twice")
    assert clerk.post(ENTRIES, json=retracted).status_code == 201
    entry = clerk.get(f"/api/v1/townships/{site.township}/entries/D-2").get_json()
    assert entry["retracted"] is True
    assert [item["type"] for item in entry["history"]] == [
        "dispute_registered",
        "dispute_mediated",
        "entry_retracted",
    ]
    assert entry["history"][1]["fields"] == {"outcome": "failed", "mediator": "other"}
    assert entry["history"][0]["recorded_by"] == clerk.username


def test_a_line_with_other_values_under_a_used_id_is_refused(site):
    clerk = site.caller("clerk")
    clerk.post(ENTRIES, json=site.line("meeting_held", "M-1", matters_decided=2))
    answer = clerk.post(ENTRIES, json=site.line("meeting_held", "M-1", matters_decided=3))
    assert answer.status_code == 422
    assert error_of(answer)["field"] == "id"


def test_shape_errors_name_the_field(site):
    clerk = site.caller("clerk")
    good = site.line("session_held", "S-1", kind="lecture", title="宪法", attendees=30)
    cases = {
        "kind": {**good, "kind": "party"},
        "attendees": {**good, "attendees": "thirty"},
        "colour": {**good, "colour": "red"},
        "": {**good, "": "x"},  # a field with an empty name is still named (the fuzz found it)
        "title": {k: v for k, v in good.items() if k != "title"},
        "occurred_on": {**good, "occurred_on": "5 March"},
    }
    for field, line in cases.items():
        answer = clerk.post(ENTRIES, json=line)
        assert answer.status_code == 422, (field, answer.get_json())
        assert error_of(answer)["field"] == field
    # The services decide what shapes allow: a negative count has the right shape.
    negative = clerk.post(ENTRIES, json={**good, "attendees": -1})
    assert negative.status_code == 422
    assert error_of(negative)["field"] == "attendees"
    unknown_type = clerk.post(ENTRIES, json={**good, "type": "party_held"})
    assert error_of(unknown_type)["field"] == "type"
    for body in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        answer = clerk.post(ENTRIES, data=body, content_type="application/json")
        assert answer.status_code == 400, body
        assert error_of(answer)["code"] == "bad_request"
    history = clerk.get(f"/api/v1/townships/{site.township}/entries/S-1")
    assert history.status_code == 404  # nothing was recorded


def test_roles_record_what_they_may(site):
    head_only = site.line("report_submitted", "R-2024", year=2024)
    clerk = site.caller("clerk")
    answer = clerk.post(ENTRIES, json=head_only)
    assert answer.status_code == 403
    assert error_of(answer)["code"] == "forbidden"
    assert site.caller("head").post(ENTRIES, json=head_only).status_code == 201
    officer = site.caller("county_officer")
    assert officer.post(ENTRIES, json=site.line("liaison_registered", "L-1")).status_code == 403
    accepted = site.line("report_accepted", "R-2024", "2025-01-10")
    assert clerk.post(ENTRIES, json=accepted).status_code == 403
    assert officer.post(ENTRIES, json=accepted).status_code == 201
    auditor = site.caller("auditor")
    assert auditor.post(ENTRIES, json=site.line("liaison_registered", "L-2")).status_code == 403


def test_an_import_records_every_line_or_none(site):
    clerk = site.caller("clerk")
    lines = [
        site.line("inspection_conducted", "I-1", area="food"),
        site.line(
            "issue_found",
            "Q-1",
            category="hygiene",
            description="no licence",
            deadline="2024-04-01",
            inspection="I-1",
        ),
        site.line("issue_rectified", "Q-1", "2024-03-20"),
    ]
    done = clerk.post(IMPORTS, data=ndjson(lines), content_type="application/x-ndjson")
    assert done.status_code == 201
    assert done.get_json() == {"recorded": 3, "skipped": 0}
    again = clerk.post(IMPORTS, data=ndjson(lines), content_type="application/x-ndjson")
    assert again.get_json() == {"recorded": 0, "skipped": 3}
    bad = [site.line("liaison_registered", "L-9"), site.line("volunteer_pledged", "V-1", post="x")]
    refused = clerk.post(IMPORTS, data=ndjson(bad), content_type="application/x-ndjson")
    assert refused.status_code == 422
    error = error_of(refused)
    assert (error["line"], error["field"]) == (2, "post")
    assert clerk.get(f"/api/v1/townships/{site.township}/entries/L-9").status_code == 404
    broken = clerk.post(IMPORTS, data=b'{"a": 1}\n{oops\n', content_type="application/x-ndjson")
    assert error_of(broken)["line"] == 1
    assert [e["line"] for e in error_of(broken)["errors"]] == [1, 2]


def test_an_import_past_50_mb_is_413(site):
    clerk = site.caller("clerk")
    body = b" " * (50 * 1024 * 1024 + 1)
    answer = clerk.post(IMPORTS, data=body, content_type="application/x-ndjson")
    assert answer.status_code == 413
    assert error_of(answer)["code"] == "too_large"


def test_unknown_addresses_and_methods_answer_with_the_error_document(site):
    clerk = site.caller("clerk")
    missing = clerk.get("/api/v1/no-such-thing")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "not_found"
    wrong_method = clerk.put(ENTRIES, json={})
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["code"] == "method_not_allowed"


def test_a_new_id_holding_a_path_is_refused_and_an_old_one_keeps_working(site, ledger):
    """New ids are of the safe set; an entry recorded before the rule is read (its id one
    percent-encoded path segment), followed up and retracted as any other."""
    clerk = site.caller("clerk")
    new = site.line("dispute_registered", "../../../new", source="petition", category="x")
    refused = clerk.post(ENTRIES, json=new)
    assert refused.status_code == 422
    assert error_of(refused)["field"] == "id"
    old = "../../../old"
    with before_safe_ids():
        assert clerk.post(ENTRIES, json={**new, "id": old}).status_code == 201
    assert clerk.post(ENTRIES, json={**new, "id": old}).status_code == 200  # a repeat
    mediated = site.line("dispute_mediated", old, outcome="failed", mediator="other")
    assert clerk.post(ENTRIES, json=mediated).status_code == 201
    retracted = site.line("entry_retracted", old, reason="typed wrong")
    assert clerk.post(ENTRIES, json=retracted).status_code == 201
    entry = clerk.get(f"/api/v1/townships/{site.township}/entries/{quote(old, safe='')}")
    assert entry.status_code == 200
    assert (entry.get_json()["id"], entry.get_json()["retracted"]) == (old, True)


def test_a_clerk_cannot_retract_the_heads_accepted_submission(site):
    """A clerk retracts only what a clerk records: the accepted (published) report stays."""
    head, officer, clerk = site.caller("head"), site.caller("county_officer"), site.caller("clerk")
    assert (
        head.post(ENTRIES, json=site.line("report_submitted", "R-9", year=2024)).status_code == 201
    )
    assert officer.post(ENTRIES, json=site.line("report_accepted", "R-9")).status_code == 201
    retraction = site.line("entry_retracted", "R-9", reason="重新报送")
    for caller in (clerk, head):
        refused = caller.post(ENTRIES, json=retraction)
        assert refused.status_code == 403
        assert (error_of(refused)["code"], error_of(refused)["field"]) == ("forbidden", "id")
        refused = caller.post(
            IMPORTS, data=ndjson([retraction]), content_type="application/x-ndjson"
        )
        assert refused.status_code == 422 and error_of(refused)["line"] == 1
    figures = officer.get(f"/api/v1/townships/{site.township}/figures?period=2024").get_json()
    assert figures["report"]["status"] == "accepted"


def test_a_business_date_after_today_is_refused_naming_occurred_on(site):
    clerk = site.caller("clerk")
    ahead = (today() + timedelta(days=3)).isoformat()
    line = site.line("dispute_registered", "D-ahead", ahead, source="screening", category="x")
    answer = clerk.post(ENTRIES, json=line)
    assert answer.status_code == 422
    said = error_of(answer)
    assert said["field"] == "occurred_on" and "must not be after today" in said["message"]
    assert clerk.get(f"/api/v1/townships/{site.township}/entries/D-ahead").status_code == 404
