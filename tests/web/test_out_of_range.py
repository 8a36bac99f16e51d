"""Every period and moment a route takes, however far out of range, is refused with a 4xx and
the error document naming its field (API), or beside its field (pages): never a 500. A
period of 9999-12 has no day after its last; a moment of 9999-12-31T23:59:59Z is no time in
Beijing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.support import PASSWORD
from tests.web.conftest import field_error

AS_OF = "2025-01-15T00:00:00Z"
SUFFIXES = ("", "-Q1", "-Q4", "-Q5", "-01", "-12", "-13", "-00")
PERIODS = st.one_of(
    st.builds(lambda y, s: f"{y:04d}{s}", st.integers(0, 99_999), st.sampled_from(SUFFIXES)),
    st.from_regex(r"\A[0-9]{1,5}(-Q[0-9]|-[0-9]{1,2})?\Z"),
    st.text(max_size=12),
)
ZONES = st.sampled_from(
    [
        UTC,
        timezone(timedelta(hours=8)),
        timezone(timedelta(hours=-12)),
        timezone(timedelta(hours=14)),
    ]
)
MOMENTS = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=ZONES
    ).map(datetime.isoformat),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(
        lambda moment: moment.isoformat() + "Z"
    ),
    st.text(max_size=30),
)
CHECKS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def token(app, site) -> dict[str, str]:
    """Bearer headers of an auditor (the county's ranking and every township's figures)."""
    answer = app.test_client().post(
        "/api/v1/tokens", json={"username": site.users["auditor"], "password": PASSWORD}
    )
    assert answer.status_code == 201, answer.text
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def refused_or_answered(answer, *fields: str) -> None:
    assert answer.status_code < 500, answer.text[:500]
    if answer.status_code >= 400:
        error = answer.get_json()["error"]
        assert error["code"] and error["message"]
        assert error["field"] in fields, error


@CHECKS
@given(period=PERIODS)
@example(period="9999-12")
@example(period="9999-Q4")
@example(period="9999")
def test_no_period_answers_500_through_the_api(app, site, token, period):
    client = app.test_client()
    town, county = site.township, site.county
    for path, query in (
        (f"/api/v1/townships/{town}/figures", {}),
        (f"/api/v1/townships/{town}/trace", {"figure": "disputes.registered"}),
        (f"/api/v1/counties/{county}/ranking", {}),
        (f"/api/v1/counties/{county}/ranking", {"as_of": AS_OF}),
        (f"/api/v1/townships/{town}/figures/difference", {"as_of": AS_OF}),
        (f"/api/v1/counties/{county}/ranking/difference", {"as_of": AS_OF}),
    ):
        answer = client.get(path, query_string={"period": period, **query}, headers=token)
        refused_or_answered(answer, "period")


@CHECKS
@given(moment=MOMENTS)
@example(moment="9999-12-31T23:59:59Z")
@example(moment="9999-12-31T23:00:00-05:00")
@example(moment="0001-01-01T00:00:00+01:00")
def test_no_moment_answers_500_through_the_api(app, site, token, moment):
    client = app.test_client()
    town, county = site.township, site.county
    period = {"period": "2024", "as_of": moment}
    for path, query, field in (
        (f"/api/v1/townships/{town}/figures", period, "as_of"),
        (f"/api/v1/counties/{county}/ranking", period, "as_of"),
        (f"/api/v1/counties/{county}/ranking/difference", period, "as_of"),
        (f"/api/v1/townships/{town}/reports/2024", {"format": "html", "as_of": moment}, "as_of"),
        (f"/api/v1/townships/{town}/history", {"from": moment}, "from"),
    ):
        refused_or_answered(client.get(path, query_string=query, headers=token), field)


@pytest.mark.parametrize("period", ["9999-12", "9999-Q4", "9999"])
def test_a_period_out_of_range_is_refused_beside_its_field_on_the_pages(as_role, site, period):
    officer, auditor = as_role("county_officer"), as_role("auditor")
    page = officer.get("/county/", query_string={"period": period})
    assert page.status_code == 400
    assert field_error(page.text) == ["period"]
    assert re.search(r'id="period-error"[^>]*>[^<]*2\d{3}', page.text)
    assert "<h1>测试县 · 排名</h1>" in page.text  # the form again, under the county's name
    for path in ("/county/charts/scores.json", f"/county/charts/trend/{site.township}.json"):
        assert officer.get(path, query_string={"period": period}).status_code == 400
    town = site.township
    assert officer.get(f"/county/townships/{town}?period={period}").status_code == 400
    for path, query in (
        ("/audit/ranking", {"period": period, "as_of": AS_OF}),
        ("/audit/figures", {"township": town, "period": period, "as_of": AS_OF}),
    ):
        answer = auditor.get(path, query_string=query)
        assert answer.status_code == 400
        assert re.search(
            r'class="field-error" id="\w-period-error"[^>]*>须不晚于 \d{4} 年', answer.text
        )
