"""Schemathesis against the API with a token, on SQLite and PostgreSQL: generated requests for
every operation of the OpenAPI document never get a server error, and every answer conforms to
what the document says (status, content type, body).

(Driven through schemathesis's Python API: its pytest plugin does not run under pytest 9.)
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import OPERATOR, PASSWORD
from web.workbooks import XLSX

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12

# An import's body is text: interchange lines, or a workbook's bytes.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")
schemathesis.serializer.alias(XLSX, "application/octet-stream")

# Who calls each operation: the role that may, so that its answers are checked past the
# refusal (the township head everywhere else).
CALLERS = {
    "POST /api/v1/counties/{code}/publications": "county_officer",
    "GET /api/v1/counties/{code}/publications": "county_officer",
    "GET /api/v1/publications/{publication_id}": "county_officer",
    "GET /api/v1/publications/{publication_id}/entries-since": "county_officer",
    "GET /api/v1/publications/{publication_id}/timestamp": "auditor",
    "GET /api/v1/counties/{code}/ranking/difference": "auditor",
    "GET /api/v1/counties/{code}/ranking/difference/entries": "auditor",
    "GET /api/v1/townships/{code}/figures/difference/entries": "auditor",
    "GET /api/v1/townships/{code}/figures/difference": "auditor",
    "GET /api/v1/townships/{code}/history": "auditor",
    "POST /api/v1/verifications": "auditor",
    "GET /api/v1/townships/{code}/audit-export": "auditor",
    "GET /api/v1/counties/{code}/audit-export": "auditor",
    "GET /api/v1/counties/{code}/audit-log": "auditor",
    "GET /api/v1/counties/{code}/calendar": "county_officer",
    "PUT /api/v1/counties/{code}/calendar": "county_officer",
    "GET /api/v1/counties/{code}/completeness": "county_officer",
    "GET /api/v1/counties/{code}/quality-rules": "county_officer",
    "PUT /api/v1/counties/{code}/quality-rules": "county_officer",
    "GET /api/v1/counties/{code}/quality": "county_officer",
    "GET /api/v1/counties/{code}/groups": "county_officer",
    "PUT /api/v1/counties/{code}/groups": "county_officer",
    # The county's administration: its officer (the counties' own routes: refused to them).
    "POST /api/v1/counties/{county}/townships": "county_officer",
    "PUT /api/v1/townships/{township}/name": "county_officer",
    "GET /api/v1/counties/{county}/users": "county_officer",
    "GET /api/v1/counties/{county}/rights": "county_officer",
    "GET /api/v1/counties/{county}/rights/changes": "county_officer",
    "POST /api/v1/users": "county_officer",
    "POST /api/v1/users/{username}/disable": "county_officer",
    "POST /api/v1/users/{username}/enable": "county_officer",
    "POST /api/v1/users/{username}/password-reset": "county_officer",
    "PUT /api/v1/users/{username}/role": "county_officer",
}
REVOKING = {"DELETE /api/v1/tokens/current", "DELETE /api/v1/tokens"}


def test_the_api_keeps_its_document(app, site, ledger, monkeypatch):
    # A token again after every revoking request: past the tokens a user is issued in an hour
    # (their limit is tests/web/api/test_api_tokens.py's to check).
    monkeypatch.setattr("domain.token.MOST_ISSUED", 10**6)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # 26, evidence's 3, the timestamp's 1, the calendar's 3, data quality's 3,
    # administration's 15, trends' 1, groups' 2
    assert len(operations) == 54
    assert set(CALLERS) <= {operation.label for operation in operations}
    ledger.interchange.record_line(OPERATOR, site.line("liaison_registered", "L-1"))
    published = ledger.publications.publish_ranking(OPERATOR, county=site.county, period="2024")

    tokens: dict[str, str] = {}

    def check(case) -> None:
        caller = site.caller(CALLERS.get(case.operation.label, "head"))
        # A token per caller, issued again after the generated requests that revoke it (each
        # sign-in opens a connection: the shared PostgreSQL server has few to spare today).
        if case.operation.label in REVOKING or caller.username not in tokens:
            tokens[caller.username] = ledger.tokens.issue(
                username=caller.username, password=PASSWORD
            ).token
        token = tokens[caller.username]
        if case.operation.label in REVOKING:
            tokens.clear()
        if "code" in (case.path_parameters or {}):
            county_route = "/counties/" in case.path
            case.path_parameters["code"] = site.county if county_route else site.township
        if "county" in (case.path_parameters or {}):
            case.path_parameters["county"] = site.county
        if "township" in (case.path_parameters or {}):
            case.path_parameters["township"] = site.township
        if "publication_id" in (case.path_parameters or {}):
            case.path_parameters["publication_id"] = published.id
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    for operation in operations:
        run = settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )(given(case=operation.as_strategy())(check))
        run()
