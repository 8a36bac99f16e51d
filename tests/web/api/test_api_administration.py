"""The administration through the API (docs/api.md "Administration"): a county from nothing to
a clerk recording, one-time passwords, disabling, another county's people, the error
documents."""

from __future__ import annotations

from tests.support import OPERATOR, PASSWORD, Tenants, unique
from tests.web.api.conftest import Caller, add_user, sign_in

NEW = "my own passphrase 1"


def token_for(client, username: str, password: str) -> Caller:
    answer = client.post("/api/v1/tokens", json={"username": username, "password": password})
    assert answer.status_code == 201, answer.get_json()
    return Caller(client, username, answer.get_json()["token"])


def test_a_county_goes_from_nothing_to_a_clerk_recording(ledger, client):
    admin = sign_in(client, add_user(ledger, "admin"))
    county = unique("county")
    made = admin.post("/api/v1/counties", json={"code": county, "name": "新县"})
    assert made.status_code == 201
    assert made.get_json() == {"code": county, "name": "新县", "suspended": False}
    officer_name = unique("officer")
    answer = admin.post(
        "/api/v1/users",
        json={"username": officer_name, "role": "county_officer", "county": county},
    )
    assert answer.status_code == 201
    one_time = answer.get_json()["one_time_password"]
    assert answer.get_json()["username"] == officer_name
    # A one-time password gets no token: it only lets them choose their own.
    refused = client.post("/api/v1/tokens", json={"username": officer_name, "password": one_time})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "password_change_required"
    changed = client.post(
        "/api/v1/password",
        json={"username": officer_name, "password": one_time, "new_password": NEW},
    )
    assert changed.status_code == 204
    officer = token_for(client, officer_name, NEW)
    town = unique("town")
    added = officer.post(f"/api/v1/counties/{county}/townships", json={"code": town, "name": "镇"})
    assert added.status_code == 201
    assert added.get_json() == {"code": town, "name": "镇", "county": county}
    clerk_name = unique("clerk")
    answer = officer.post(
        "/api/v1/users", json={"username": clerk_name, "role": "clerk", "township": town}
    )
    clerk_one_time = answer.get_json()["one_time_password"]
    client.post(
        "/api/v1/password",
        json={"username": clerk_name, "password": clerk_one_time, "new_password": NEW},
    )
    clerk = token_for(client, clerk_name, NEW)
    recorded = clerk.post(
        "/api/v1/entries",
        json={
            "township": town,
            "type": "dispute_registered",
            "id": "D-1",
            "occurred_on": "2024-03-01",
            "source": "screening",
            "category": "邻里",
        },
    )
    assert recorded.status_code == 201, recorded.get_json()
    listed = officer.get(f"/api/v1/counties/{county}/users").get_json()["users"]
    assert listed == [
        {"username": officer_name, "role": "county_officer", "county": county,
         "township": None, "disabled": False},
        {"username": clerk_name, "role": "clerk", "county": None, "township": town,
         "disabled": False},
    ]  # fmt: skip
    # Disabled: the clerk's token stops at its next request.
    assert officer.post(f"/api/v1/users/{clerk_name}/disable").status_code == 200
    stopped = clerk.get(f"/api/v1/townships/{town}/entries")
    assert stopped.status_code == 401
    again = client.post("/api/v1/tokens", json={"username": clerk_name, "password": NEW})
    assert again.status_code == 403
    assert officer.post(f"/api/v1/users/{clerk_name}/enable").get_json()["disabled"] is False
    reset = officer.post(f"/api/v1/users/{clerk_name}/password-reset")
    assert reset.status_code == 200 and reset.get_json()["one_time_password"]


def test_another_countys_people_are_not_found_and_a_clerk_administers_nothing(ledger, client):
    tenants = Tenants(ledger)
    place, far = tenants.place(), tenants.place()
    officer = sign_in(client, add_user(ledger, "county_officer", county=place.county))
    far_clerk = add_user(ledger, "clerk", township=far.township)
    for path in ("disable", "enable", "password-reset"):
        answer = officer.post(f"/api/v1/users/{far_clerk}/{path}")
        assert answer.status_code == 404
        assert answer.get_json()["error"] == {
            "code": "not_found",
            "message": f"no user {far_clerk}",
            "field": "username",
            "line": None,
        }
    assert officer.get(f"/api/v1/counties/{far.county}/users").status_code == 404
    clerk = sign_in(client, add_user(ledger, "clerk", township=place.township))
    refused = clerk.get(f"/api/v1/counties/{place.county}/users")
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "forbidden"


def test_bad_input_is_named_and_records_nothing(ledger, client):
    place = Tenants(ledger).place()
    officer = sign_in(client, add_user(ledger, "county_officer", county=place.county))
    before = ledger.app.recorder.max_notification_id()
    cases = [
        ({"username": "X Y", "role": "clerk", "township": place.township}, 422, "username"),
        ({"username": unique("c"), "role": "sheriff", "township": place.township}, 422, "role"),
        ({"username": unique("c"), "role": "clerk", "county": place.county}, 422, "township"),
        ({"username": unique("c"), "role": "county_officer", "county": place.county}, 403, "role"),
        ({"username": unique("c"), "role": "clerk"}, 422, "township"),
        ({"username": unique("c"), "role": "clerk", "township": place.township, "x": 1}, 422, "x"),
    ]
    for body, status, field in cases:
        answer = officer.post("/api/v1/users", json=body)
        assert answer.status_code == status, (body, answer.get_json())
        assert answer.get_json()["error"]["field"] == field, body
    assert ledger.app.recorder.max_notification_id() == before
    wrong = client.post(
        "/api/v1/password",
        json={"username": add_user(ledger, "clerk", township=place.township),
              "password": "wrong password", "new_password": NEW},
    )  # fmt: skip
    assert wrong.status_code == 401
    same = client.post(
        "/api/v1/password",
        json={"username": officer.username, "password": PASSWORD, "new_password": PASSWORD},
    )
    assert same.status_code == 422
    assert same.get_json()["error"]["field"] == "new_password"


def test_who_held_which_role_at_a_moment(ledger, client):
    place = Tenants(ledger).place()
    auditor = sign_in(client, add_user(ledger, "auditor", county=place.county))
    clerk = add_user(ledger, "clerk", township=place.township)
    ledger.administration.disable(OPERATOR, username=clerk)
    found = auditor.get(
        f"/api/v1/counties/{place.county}/rights", query_string={"at": "2999-01-01T00:00:00Z"}
    ).get_json()
    assert {(u["username"], u["role"], u["disabled"]) for u in found["users"]} == {
        (auditor.username, "auditor", False),
        (clerk, "clerk", True),
    }
    before = auditor.get(
        f"/api/v1/counties/{place.county}/rights", query_string={"at": "2001-01-01T00:00:00Z"}
    ).get_json()
    assert before["users"] == []
    changes = auditor.get(f"/api/v1/counties/{place.county}/rights/changes").get_json()
    assert [(c["kind"], c["subject"]) for c in changes["changes"]][-3:] == [
        ("user_added", auditor.username),
        ("user_added", clerk),
        ("user_disabled", clerk),
    ]
    bad = auditor.get(f"/api/v1/counties/{place.county}/rights", query_string={"at": "yesterday"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "at"


def test_an_entrys_history_says_whether_its_recorder_held_the_right(ledger, client):
    place = Tenants(ledger).place()
    clerk = sign_in(client, add_user(ledger, "clerk", township=place.township))
    line = {"township": place.township, "type": "dispute_registered", "id": "D-1",
            "occurred_on": "2024-03-01", "source": "screening", "category": "邻里"}  # fmt: skip
    assert clerk.post("/api/v1/entries", json=line).status_code == 201
    history = clerk.get(f"/api/v1/townships/{place.township}/entries/D-1").get_json()
    assert [e["recorder_held_right"] for e in history["history"]] == [True]
