"""Indicator weights through the pages and the API: 1e308 refused naming
``indicators[N].weight`` (beside its field on the indicators page); and after a history that
stored weights no float sums (the ledger keeps old events and replays them), every JSON the
site answers — the API's documents, a publication, the chart's JSON — is JSON: no bare NaN or
Infinity."""

from __future__ import annotations

import json

import pytest

from domain.tenancy import county_uuid
from tests.support import OPERATOR, PASSWORD, dispute, unique
from tests.web.conftest import field_error, sign_in

AS_OF = "2025-01-15T00:00:00Z"


def refuse(constant: str):
    raise AssertionError(f"not JSON: {constant}")


def strict_json(answer):
    assert answer.status_code == 200, answer.text[:300]
    return json.loads(answer.get_data(as_text=True), parse_constant=refuse)


@pytest.fixture
def county(app, site):
    """A county of its own (its weights are this test's), with two townships and an officer
    and an auditor signed in to the pages and holding tokens."""
    services, code = site.services, unique("county")
    towns = [unique("town"), unique("town")]
    services.tenancy.add_county(OPERATOR, code=code, name="权重县")
    lines = []
    for n, town in enumerate(towns):
        services.tenancy.add_township(OPERATOR, county=code, code=town, name=f"{n}镇")
        lines += dispute(town, "D-1", "2024-02-01", resolved=bool(n))
    services.interchange.import_lines(OPERATOR, [json.dumps(line) for line in lines])
    people = {}
    for role in ("county_officer", "auditor"):
        username = site.add_user(role, county=code)
        page, script = app.test_client(), app.test_client()
        assert sign_in(page, username).status_code == 302
        token = script.post("/api/v1/tokens", json={"username": username, "password": PASSWORD})
        script.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['token']}"
        people[role] = (page, script)
    services.read_model.wait_for(services.read_model.recorded_position())
    return code, towns, people


def test_a_weight_of_1e308_is_refused_on_the_page_and_through_the_api(county):
    code, _, people = county
    page, script = people["county_officer"]
    form = {
        "use:rates.rectification": "1",
        "weight:rates.rectification": "1",
        "use:rates.mediation_success": "1",
        "weight:rates.mediation_success": "1" + "0" * 308,
    }
    refused = page.post("/county/indicators", data=form)
    assert refused.status_code == 400
    assert field_error(refused.text) == ["indicators[2].weight"]
    assert "不超过 1000" in refused.text
    for weight in ("1e308", "NaN", "Infinity", "1e400"):
        body = (
            '{"indicators": [{"figure": "rates.rectification", "direction": "higher",'
            f' "weight": {weight}}}]}}'
        )
        answer = script.put(
            f"/api/v1/counties/{code}/indicators", data=body, content_type="application/json"
        )
        assert answer.status_code == 422, (weight, answer.text)
        assert answer.get_json()["error"]["field"] == "indicators[1].weight"
    kept = strict_json(script.get(f"/api/v1/counties/{code}/indicators"))
    assert {i["weight"] for i in kept["indicators"]} == {1}


@pytest.mark.parametrize("weights", [(1e308, 1e308), (float("inf"), float("nan"))], ids=repr)
def test_no_json_answer_carries_nan_after_an_old_history_of_huge_weights(site, county, weights):
    code, towns, people = county
    record = site.services.app.repository.get(county_uuid(code))
    figures = ("rates.mediation_success", "disputes.registered")
    stored = [
        {"figure": figure, "direction": "higher", "weight": weight}
        for figure, weight in zip(figures, weights, strict=True)
    ]
    record.trigger_event(record.IndicatorsSet, indicators=stored)  # as an old history holds it
    site.services.app.save(record)
    page, script = people["county_officer"]
    here = f"/api/v1/counties/{code}"
    ranking = strict_json(script.get(f"{here}/ranking?period=2024"))
    assert all(row["score"] is None or row["score"] >= 0 for row in ranking["townships"])
    strict_json(script.get(f"{here}/ranking?period=2024&as_of={AS_OF}"))
    strict_json(script.get(f"{here}/indicators"))
    strict_json(page.get("/county/charts/scores.json?period=2024"))
    for town in towns:
        strict_json(page.get(f"/county/charts/trend/{town}.json?period=2024"))
        strict_json(script.get(f"/api/v1/townships/{town}/figures?period=2024"))
        assert page.get(f"/county/townships/{town}?period=2024").status_code == 200
    assert page.get("/county/?period=2024").status_code == 200
    receipt = script.post(f"{here}/publications", json={"period": "2024"})
    assert receipt.status_code == 201, receipt.text
    published = strict_json(script.get(f"/api/v1/publications/{receipt.get_json()['id']}"))
    assert "nan" not in json.dumps(published).lower()
    auditor, auditor_script = people["auditor"]
    strict_json(auditor_script.get(f"{here}/ranking/difference?period=2024&as_of={AS_OF}"))
    assert auditor.get(f"/audit/ranking?period=2024&as_of={AS_OF}").status_code == 200
