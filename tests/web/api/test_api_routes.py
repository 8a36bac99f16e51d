"""Every route of the API, for every role, on SQLite and PostgreSQL: what DOMAIN.md lets each
role do — allowed, 403 (a role with no business there, in its own tenant), 404 (another
tenant's record, the same as a missing one), 401 without a token. An API route added without
a rule here fails (the pages' routes: tests/web/test_routes.py)."""

from __future__ import annotations

import io
import json

import pytest

from tests.evidence_samples import pdf
from tests.support import OPERATOR, PASSWORD, ROLES, Tenants, unique
from tests.web.api.conftest import add_user

SIGNED_IN = ROLES[1:]


def statuses(default: int, **given: int) -> dict[str, int]:
    """``default`` for every signed-in role but those given; 401 for the anonymous."""
    return {"anonymous": 401, **dict.fromkeys(SIGNED_IN, default), **given}


# The township's records: its own people and its county's; nobody else sees them.
TOWNSHIP = statuses(404, clerk=200, head=200, county_officer=200, auditor=200)
# The county's: its officer and auditor (a township's clerk sees no county).
COUNTY = statuses(404, county_officer=200, auditor=200)
# The auditor's alone (DOMAIN.md: verification, audit export), refused to other roles whatever
# they ask for; another county's auditor finds nothing.
AUDITOR = statuses(403, auditor=200, far_auditor=404)
# The county office's: an auditor of the county may not; other tenants find nothing.
OFFICE = statuses(404, county_officer=200, auditor=403)
# Recording in the township: its clerk and head; the county's people record nothing there.
RECORDING = statuses(404, clerk=200, head=200, county_officer=403, auditor=403)
# An import's refusals are per line (422, the first line named), as DOMAIN.md says.
IMPORTING = statuses(422, clerk=201, head=201)

# Administering the county's people and townships: its officer and the administrator; a role
# that administers nothing is refused (403), another county's officer finds nothing (404).
ADMINISTERING = statuses(403, county_officer=200, admin=200, far_officer=404)
# The installation's counties: the administrator's alone.
INSTALLATION = statuses(403, admin=200)

LINE = {"type": "liaison_registered", "id": "L-1", "occurred_on": "2024-03-05"}
INDICATORS = {
    "indicators": [{"figure": "rates.mediation_success", "direction": "higher", "weight": 1}]
}
DEADLINES = {"deadlines": [{"period": "2024", "due": "2025-01-15", "grace_days": 0}]}
WINDOW = "from=2020-01-01T00:00:00Z"
AS_OF = "period=2024&as_of=2025-01-15T00:00:00Z"

# endpoint -> (method, path, JSON body or raw bytes, statuses by role). {town}: the site's
# township (holding L-1), {county}: its county, {publication}: one of the county's.
RULES: dict[str, tuple[str, str, object, dict[str, int]]] = {
    "api-docs.openapi_json": ("GET", "/api/v1/openapi.json", None, dict.fromkeys(ROLES, 200)),
    "tokens.issue": (
        "POST",
        "/api/v1/tokens",
        {"username": "{nobody}", "password": "not the password"},
        dict.fromkeys(ROLES, 401),
    ),
    "tokens.revoke_current": ("DELETE", "/api/v1/tokens/current", None, statuses(204)),
    "tokens.revoke_all": ("DELETE", "/api/v1/tokens", None, statuses(204)),
    "entries.record": ("POST", "/api/v1/entries", "line", RECORDING),
    "entries.import_file": ("POST", "/api/v1/imports", "lines", IMPORTING),
    "entries.list_entries": ("GET", "/api/v1/townships/{town}/entries", None, TOWNSHIP),
    "entries.entry": ("GET", "/api/v1/townships/{town}/entries/L-1", None, TOWNSHIP),
    # No file sent: refused naming it (422), once the caller may record there at all.
    "evidence.attach": (
        "POST",
        "/api/v1/townships/{town}/entries/L-1/evidence",
        None,
        {**RECORDING, "clerk": 422, "head": 422},
    ),
    "evidence.listing": ("GET", "/api/v1/townships/{town}/entries/L-1/evidence", None, TOWNSHIP),
    "evidence.file": ("GET", "/api/v1/evidence/{sha256}", None, TOWNSHIP),
    "reading.figures": ("GET", "/api/v1/townships/{town}/figures?period=2024", None, TOWNSHIP),
    "reading.trends": ("GET", "/api/v1/townships/{town}/trends?from=2023&to=2024", None, TOWNSHIP),
    "reading.trace": (
        "GET",
        "/api/v1/townships/{town}/trace?period=2024&figure=roster.liaisons",
        None,
        TOWNSHIP,
    ),
    "reading.report": ("GET", "/api/v1/townships/{town}/reports/2024", None, TOWNSHIP),
    "reading.ranking": ("GET", "/api/v1/counties/{county}/ranking?period=2024", None, COUNTY),
    "reading.indicators": ("GET", "/api/v1/counties/{county}/indicators", None, COUNTY),
    "reading.set_indicators": ("PUT", "/api/v1/counties/{county}/indicators", INDICATORS, OFFICE),
    "calendar.calendar": ("GET", "/api/v1/counties/{county}/calendar", None, COUNTY),
    "calendar.set_calendar": ("PUT", "/api/v1/counties/{county}/calendar", DEADLINES, OFFICE),
    "calendar.completeness": (
        "GET",
        "/api/v1/counties/{county}/completeness?period=2024",
        None,
        COUNTY,
    ),
    "reading.groups": ("GET", "/api/v1/counties/{county}/groups", None, COUNTY),
    "reading.set_groups": (
        "PUT",
        "/api/v1/counties/{county}/groups",
        {"groups": [{"name": "镇", "townships": ["{town}"]}]},
        OFFICE,
    ),
    "reading.quality_rules": ("GET", "/api/v1/counties/{county}/quality-rules", None, COUNTY),
    "reading.set_quality_rules": (
        "PUT",
        "/api/v1/counties/{county}/quality-rules",
        {"retractions": {"above": 0.2}},
        OFFICE,
    ),
    "reading.quality": ("GET", "/api/v1/counties/{county}/quality?period=2024", None, COUNTY),
    "auditing.stream": ("GET", "/api/v1/townships/{town}/history?" + WINDOW, None, TOWNSHIP),
    "auditing.figures_difference": (
        "GET",
        "/api/v1/townships/{town}/figures/difference?" + AS_OF,
        None,
        TOWNSHIP,
    ),
    "auditing.ranking_difference": (
        "GET",
        "/api/v1/counties/{county}/ranking/difference?" + AS_OF,
        None,
        COUNTY,
    ),
    "auditing.figures_entries_since": (
        "GET",
        "/api/v1/townships/{town}/figures/difference/entries?" + AS_OF,
        None,
        TOWNSHIP,
    ),
    "auditing.ranking_entries_since": (
        "GET",
        "/api/v1/counties/{county}/ranking/difference/entries?" + AS_OF,
        None,
        COUNTY,
    ),
    "auditing.verify": ("POST", "/api/v1/verifications", {"township": "{town}"}, AUDITOR),
    "auditing.township_export": ("GET", "/api/v1/townships/{town}/audit-export", None, AUDITOR),
    "auditing.county_export": ("GET", "/api/v1/counties/{county}/audit-export", None, AUDITOR),
    "auditing.audit_log": ("GET", "/api/v1/counties/{county}/audit-log", None, COUNTY),
    "publications.publish": (
        "POST",
        "/api/v1/counties/{county}/publications",
        {"period": "2024"},
        {**OFFICE, "county_officer": 201},
    ),
    "publications.published": ("GET", "/api/v1/counties/{county}/publications", None, COUNTY),
    "publications.publication": ("GET", "/api/v1/publications/{publication}", None, COUNTY),
    "publications.entries_since": (
        "GET",
        "/api/v1/publications/{publication}/entries-since",
        None,
        COUNTY,
    ),
    "administration.add_county": (
        "POST",
        "/api/v1/counties",
        {"code": "{nobody}", "name": "新县"},
        {**INSTALLATION, "admin": 201},
    ),
    "administration.rename_county": (
        "PUT",
        "/api/v1/counties/{spare}/name",
        {"name": "改名县"},
        INSTALLATION,
    ),
    "administration.suspend_county": (
        "POST",
        "/api/v1/counties/{spare}/suspend",
        None,
        INSTALLATION,
    ),
    "administration.reinstate_county": (
        "POST",
        "/api/v1/counties/{spare}/reinstate",
        None,
        INSTALLATION,
    ),
    "administration.add_township": (
        "POST",
        "/api/v1/counties/{county}/townships",
        {"code": "{nobody}", "name": "新镇"},
        {**ADMINISTERING, "county_officer": 201, "admin": 201},
    ),
    "administration.rename_township": (
        "PUT",
        "/api/v1/townships/{town}/name",
        {"name": "改名镇"},
        ADMINISTERING,
    ),
    "administration.users": ("GET", "/api/v1/counties/{county}/users", None, ADMINISTERING),
    "administration.rights": (
        "GET",
        "/api/v1/counties/{county}/rights?at=2030-01-01T00:00:00Z",
        None,
        {**ADMINISTERING, "auditor": 200, "far_auditor": 404},
    ),
    "administration.changes": (
        "GET",
        "/api/v1/counties/{county}/rights/changes",
        None,
        {**ADMINISTERING, "auditor": 200, "far_auditor": 404},
    ),
    "administration.add_user": (
        "POST",
        "/api/v1/users",
        {"username": "{nobody}", "role": "clerk", "township": "{town}"},
        {**ADMINISTERING, "county_officer": 201, "admin": 201},
    ),
    "administration.disable": ("POST", "/api/v1/users/{target}/disable", None, ADMINISTERING),
    "administration.enable": ("POST", "/api/v1/users/{target}/enable", None, ADMINISTERING),
    "administration.password_reset": (
        "POST",
        "/api/v1/users/{target}/password-reset",
        None,
        ADMINISTERING,
    ),
    "administration.change_role": (
        "PUT",
        "/api/v1/users/{target}/role",
        {"role": "head", "township": "{town}"},
        ADMINISTERING,
    ),
    # Anyone with their password (a name never seen: refused as a wrong password is).
    "administration.change_password": (
        "POST",
        "/api/v1/password",
        {"username": "{nobody}", "password": "not the password", "new_password": "new one!!"},
        dict.fromkeys(ROLES, 401),
    ),
    # No timestamp authority here: no token, for anyone (with one: test_api_timestamps.py).
    "publications.timestamp": (
        "GET",
        "/api/v1/publications/{publication}/timestamp",
        None,
        statuses(404),
    ),
}


def test_every_api_route_has_a_rule(app):
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")
    }
    assert sorted(endpoints - set(RULES)) == [], "API routes without a rule in RULES"
    assert sorted(set(RULES) - endpoints) == [], "rules for API routes that are gone"


@pytest.fixture
def users(ledger, site) -> dict[str, str]:
    """A user of every role around the site's township (the site's county has a second
    township; another county has its own officer and auditor)."""
    neighbour = Tenants(ledger).township(site.county)
    far = Tenants(ledger).county()
    return {
        "clerk": add_user(ledger, "clerk", township=site.township),
        "head": add_user(ledger, "head", township=site.township),
        "county_officer": add_user(ledger, "county_officer", county=site.county),
        "auditor": add_user(ledger, "auditor", county=site.county),
        "admin": add_user(ledger, "admin"),
        "neighbour_clerk": add_user(ledger, "clerk", township=neighbour),
        "far_officer": add_user(ledger, "county_officer", county=far),
        "far_auditor": add_user(ledger, "auditor", county=far),
    }


def test_each_role_gets_what_domain_md_says(ledger, site, users, client, monkeypatch):
    # A token of its own for every call: past the tokens a user is issued in an hour (their
    # limit is tests/web/api/test_api_tokens.py's to check).
    monkeypatch.setattr("domain.token.MOST_ISSUED", 10**6)
    line = {**LINE, "township": site.township}
    ledger.interchange.record_line(OPERATOR, line)  # every caller's line is then a repeat
    publication = ledger.publications.publish_ranking(OPERATOR, county=site.county, period="2024")
    attached = ledger.evidence.attach(
        OPERATOR, township=site.township, entry_id="L-1", name="x.pdf", content=io.BytesIO(pdf())
    )
    names = {
        "town": site.township,
        "county": site.county,
        "publication": publication.id,
        "sha256": attached.sha256,
        "target": add_user(ledger, "clerk", township=site.township),
        "spare": Tenants(ledger).county(),
    }
    bodies = {"line": json.dumps(line), "lines": json.dumps(line) + "\n"}
    got, expected = {}, {}
    for endpoint, (method, path, body, allowed) in sorted(RULES.items()):
        if isinstance(body, dict):
            body = json.dumps(body).replace("{town}", site.township)
        else:
            body = bodies.get(body)  # type: ignore[arg-type]
        for role in ROLES:
            # Failed sign-ins are counted per name: a name never tried before each time.
            data = body.replace("{nobody}", unique("nobody")) if isinstance(body, str) else body
            headers = {"Content-Type": "application/json"}
            if role != "anonymous":
                # A token of its own each time: some calls revoke it.
                token = ledger.tokens.issue(username=users[role], password=PASSWORD).token
                headers["Authorization"] = f"Bearer {token}"
            answer = client.open(
                path.format(**names),
                method=method,
                data=data,
                headers=headers,
                environ_overrides={"REMOTE_ADDR": unique("client")},
            )
            got[endpoint, role] = answer.status_code
            expected[endpoint, role] = allowed[role]
            assert answer.status_code < 500, (endpoint, role, answer.get_data(as_text=True))
    wrong = {key: (got[key], expected[key]) for key in got if got[key] != expected[key]}
    assert wrong == {}, "(endpoint, role): (got, expected)"
