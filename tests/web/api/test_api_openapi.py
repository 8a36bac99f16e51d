"""The OpenAPI document: valid OpenAPI 3, listing every route of /api/v1 with its methods, and
the allowed values of entry fields taken from the domain."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from domain.catalogue import ALL_TYPES
from domain.dispute import OUTCOMES


def test_the_document_is_valid_and_lists_every_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    documented = {
        (path, method.upper())
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "delete", "patch")
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_0-9]+)>", r"{\1}", rule.rule)
        served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def test_entry_schemas_come_from_the_domain(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v1/entries"]["post"]["requestBody"]
    mapping = body["content"]["application/json"]["schema"]["discriminator"]["mapping"]
    assert set(mapping) == set(ALL_TYPES)
    mediated = schemas["DisputeMediatedLine"]
    assert mediated["properties"]["outcome"]["enum"] == list(OUTCOMES)
    assert mediated["additionalProperties"] is False
    assert set(mediated["required"]) == {
        "township",
        "type",
        "id",
        "occurred_on",
        "outcome",
        "mediator",
    }
