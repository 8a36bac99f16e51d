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

from tests.support import PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 12

# An import's body is text: interchange lines.
schemathesis.serializer.alias("application/x-ndjson", "text/plain")


def test_the_api_keeps_its_document(app, site, ledger):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    head = site.caller("head")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13

    def check(case) -> None:
        # A fresh token each time: the generated requests include revoking it.
        token = ledger.tokens.issue(username=head.username, password=PASSWORD).token
        if "code" in (case.path_parameters or {}):
            county_route = "/counties/" in case.path
            case.path_parameters["code"] = site.county if county_route else site.township
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    for operation in operations:
        run = settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )(given(case=operation.as_strategy())(check))
        run()
