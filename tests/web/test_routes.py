"""Every route, for every role: allowed, 403 (a role with no business there) or 404 (another
tenant's record, the same as a missing one). A route added without a rule here fails."""

from __future__ import annotations

import io
import re

import pytest

from tests import evidence_samples as samples
from tests.support import OPERATOR, ROLES, seed_year
from tests.web.conftest import sign_in

# What the Content-Security-Policy would refuse: a script without src, a style element or
# attribute, an event handler attribute (the report preview is a document of its own).
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=")
# The report previews: documents of their own, their styles inline (and no script at all).
PREVIEWS = ("township.report_preview", "county.report_preview")
SIGNED_IN = {role: 200 for role in ROLES[1:]}
TOWNSHIP = {**{r: 403 for r in ROLES[1:]}, "clerk": 200, "head": 200, "neighbour_clerk": 200}
COUNTY = {**{r: 403 for r in ROLES[1:]}, "county_officer": 200, "far_officer": 200}
AUDIT = {**{r: 403 for r in ROLES[1:]}, "auditor": 200, "far_auditor": 200}
ADMIN = {**{r: 403 for r in ROLES[1:]}, "admin": 200}
# A county officer's administration of a user of nowhere (none is changed by the sweep).
NOBODY = {**COUNTY, "county_officer": 404, "far_officer": 404}
# A file: whoever may see an entry carrying it; everyone else finds nothing.
EVIDENCE = {
    **{r: 404 for r in ROLES[1:]},
    **dict.fromkeys(("clerk", "head", "county_officer", "auditor"), 200),
    "admin": 403,
}


def refusing(allowed: dict[str, int], status: int) -> dict[str, int]:
    """The same roles let in, whose empty form is then refused with ``status``."""
    return {r: status if s == 200 else s for r, s in allowed.items()}


# endpoint -> (method, path, status by role); anonymous visitors are sent to sign in (302)
# unless the rule says otherwise. {town}, {entry}: the first township and one of its entries;
# {publication}: a publication of the first county.
RULES: dict[str, tuple[str, str, dict[str, int]]] = {
    "accounts.home": ("GET", "/", {r: 302 for r in ROLES}),
    "accounts.login": ("GET", "/login", {r: 200 for r in ROLES}),
    "accounts.logout": ("POST", "/logout", {r: 302 for r in ROLES}),
    "accounts.password": ("GET", "/password", SIGNED_IN),
    "accounts.notifications": ("GET", "/notifications", SIGNED_IN),
    "accounts.notifications_read": ("POST", "/notifications/read", refusing(SIGNED_IN, 400)),
    "accounts.code": ("GET", "/login/code", {r: 302 for r in ROLES}),  # no password given
    "accounts.two_factor": ("GET", "/two-factor", SIGNED_IN),
    "healthz": ("GET", "/healthz", {r: 200 for r in ROLES}),
    "readyz": ("GET", "/readyz", {r: 200 for r in ROLES}),
    "static": ("GET", "/static/app.css", {r: 200 for r in ROLES}),
    "switch_language": ("GET", "/language/zh", {r: 302 for r in ROLES}),
    "township.dashboard": ("GET", "/township/", TOWNSHIP),
    "township.entries": ("GET", "/township/entries", TOWNSHIP),
    "township.trends_page": ("GET", "/township/trends?from=2023&to=2024", TOWNSHIP),
    "township.trends_chart": ("GET", "/township/charts/trends.json?from=2023&to=2024", TOWNSHIP),
    "township.entry": (
        "GET",
        "/township/entry?id={entry}",
        {**TOWNSHIP, "neighbour_clerk": 404},
    ),
    "township.choose": ("GET", "/township/record", TOWNSHIP),
    "township.record_form": ("GET", "/township/record/dispute_registered", TOWNSHIP),
    "township.follow_up": ("POST", "/township/follow-up", refusing(TOWNSHIP, 404)),
    "township.retract": ("POST", "/township/retract", refusing(TOWNSHIP, 404)),
    "township.imports": ("GET", "/township/import", TOWNSHIP),
    "township.import_template": ("GET", "/township/import/template.xlsx", TOWNSHIP),
    "township.report": ("GET", "/township/report?year=2024", TOWNSHIP),
    "township.report_preview": ("GET", "/township/report/2024/preview", TOWNSHIP),
    "township.report_docx": ("GET", "/township/report/2024.docx", TOWNSHIP),
    "township.report_narrative": (
        "POST",
        "/township/report/narrative",
        {**TOWNSHIP, "clerk": 403, "neighbour_clerk": 403, "head": 400},
    ),
    "township.report_submit": (
        "POST",
        "/township/report/submit",
        {**TOWNSHIP, "clerk": 403, "neighbour_clerk": 403, "head": 400},
    ),
    "township.quarter_submit": (
        "POST",
        "/township/quarter/submit",
        {**TOWNSHIP, "clerk": 403, "neighbour_clerk": 403, "head": 400},
    ),
    "township.attach_evidence": ("POST", "/township/evidence", refusing(TOWNSHIP, 404)),
    "township.retract_evidence": ("POST", "/township/evidence/retract", refusing(TOWNSHIP, 404)),
    # {photo}: a photo attached to an entry of the first township.
    "evidence_files.file": ("GET", "/evidence/{photo}", EVIDENCE),
    "evidence_files.thumbnail": ("GET", "/evidence/{photo}/thumbnail", EVIDENCE),
    "county.ranking": ("GET", "/county/?period=2024", COUNTY),
    "county.township": (
        "GET",
        "/county/townships/{town}?period=2024",
        {**COUNTY, "far_officer": 404},
    ),
    "county.entry": (
        "GET",
        "/county/entry?township={town}&id={entry}",
        {**COUNTY, "far_officer": 404},
    ),
    "county.scores_chart": ("GET", "/county/charts/scores.json?period=2024", COUNTY),
    "county.trend_chart": (
        "GET",
        "/county/charts/trend/{town}.json?period=2024",
        {**COUNTY, "far_officer": 404},
    ),
    "county.trends_chart": (
        "GET",
        "/county/charts/trends/{town}.json?from=2023&to=2024",
        {**COUNTY, "far_officer": 404},
    ),
    "county.indicators": ("GET", "/county/indicators", COUNTY),
    "county.groups": ("GET", "/county/groups", COUNTY),
    "county.quality_rules": ("GET", "/county/quality-rules", COUNTY),
    "county.reports": ("GET", "/county/reports?period=2024", COUNTY),
    "county.calendar": ("GET", "/county/calendar", COUNTY),
    "county.completeness": ("GET", "/county/completeness?period=2024", COUNTY),
    "county.answer": ("POST", "/county/reports/answer", refusing(COUNTY, 400)),
    "county.report": ("GET", "/county/reports/{town}/2018", {**COUNTY, "far_officer": 404}),
    "county.report_preview": (
        "GET",
        "/county/reports/{town}/2018/preview",
        {**COUNTY, "far_officer": 404},
    ),
    "county.report_docx": (
        "GET",
        "/county/reports/{town}/2018.docx",
        {**COUNTY, "far_officer": 404},
    ),
    "county.workbook": ("GET", "/county/ranking.xlsx?period=2024", COUNTY),
    "county.publications": ("GET", "/county/publications", COUNTY),
    "county.publish": ("POST", "/county/publications", refusing(COUNTY, 400)),
    "county.publication": (
        "GET",
        "/county/publications/{publication}.json",
        {**COUNTY, "far_officer": 404},
    ),
    "county.entries_since": (
        "GET",
        "/county/publications/{publication}/entries",
        {**COUNTY, "far_officer": 404},
    ),
    "county.trail": ("GET", "/county/trail", COUNTY),
    "audit.index": ("GET", "/audit/", AUDIT),
    "audit.entry": ("GET", "/audit/entries/{town}/{entry}", {**AUDIT, "far_auditor": 404}),
    "audit.find_entry": (
        "GET",
        "/audit/entry?township={town}&id={entry}",
        {**AUDIT, "far_auditor": 404},
    ),
    "audit.figures": (
        "GET",
        "/audit/figures?township={town}&period=2024",
        {**AUDIT, "far_auditor": 404},
    ),
    "audit.ranking": ("GET", "/audit/ranking?period=2024", AUDIT),
    "audit.ranking_entries": (
        "GET",
        "/audit/ranking/entries?period=2024&as_of=2025-01-15T00:00:00Z",
        AUDIT,
    ),
    "audit.figures_entries": (
        "GET",
        "/audit/figures/entries?township={town}&period=2024&as_of=2025-01-15T00:00:00Z",
        {**AUDIT, "far_auditor": 404},
    ),
    "audit.stream": (
        "GET",
        "/audit/stream?township={town}&from=2000-01-01T00:00:00Z",
        {**AUDIT, "far_auditor": 404},
    ),
    "audit.verification": ("POST", "/audit/verification", AUDIT),
    "audit.export": ("GET", "/audit/export.jsonl?township={town}", {**AUDIT, "far_auditor": 404}),
    "audit.publication": (
        "GET",
        "/audit/publications/{publication}.json",
        {**AUDIT, "far_auditor": 404},
    ),
    "audit.verifier_file": ("GET", "/audit/verify_export.py", AUDIT),
    "audit.rights": ("GET", "/audit/rights", AUDIT),
    "admin.index": ("GET", "/admin/", ADMIN),
    "admin.add_county": ("POST", "/admin/counties", refusing(ADMIN, 400)),
    "admin.county": ("GET", "/admin/counties/{county}", ADMIN),
    "admin.rename_county": ("POST", "/admin/counties/{county}/name", refusing(ADMIN, 400)),
    "admin.add_officer": ("POST", "/admin/counties/{county}/officers", refusing(ADMIN, 400)),
    # A county of nowhere: the sweep suspends none of its own.
    "admin.suspend_county": ("POST", "/admin/counties/nowhere/suspend", refusing(ADMIN, 404)),
    "admin.reinstate_county": ("POST", "/admin/counties/nowhere/reinstate", refusing(ADMIN, 404)),
    "county.people": ("GET", "/county/people", COUNTY),
    "county.add_person": ("POST", "/county/people", refusing(COUNTY, 400)),
    "county.change_role": ("POST", "/county/people/nobody-x/role", NOBODY),
    "county.disable": ("POST", "/county/people/nobody-x/disable", NOBODY),
    "county.enable": ("POST", "/county/people/nobody-x/enable", NOBODY),
    "county.reset_password": ("POST", "/county/people/nobody-x/password-reset", NOBODY),
    "county.places": ("GET", "/county/places", COUNTY),
    "county.onboarding_upload": ("GET", "/county/onboarding", COUNTY),
    "county.onboarding_template": ("GET", "/county/onboarding/template.xlsx", COUNTY),
    "county.add_place": ("POST", "/county/places", refusing(COUNTY, 400)),
    "county.rename_place": (
        "POST",
        "/county/places/{town}/name",
        {**refusing(COUNTY, 400), "far_officer": 404},
    ),
}


def test_every_route_has_a_rule(app):
    # The API's routes (/api/...) take tokens, not sessions: tests/web/api/ checks them.
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if not rule.rule.startswith("/api/")
    }
    assert sorted(endpoints - set(RULES)) == [], "routes without a rule in RULES"
    assert sorted(set(RULES) - endpoints) == [], "rules for routes that are gone"


@pytest.fixture(scope="module")
def clients(app, site):
    made = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        made[role] = app.test_client()
        assert sign_in(made[role], site.users[role]).status_code == 302
    return made


@pytest.fixture(scope="module")
def publication(site) -> str:
    """A ranking of the first county, published (of a year no other test reads)."""
    return site.services.publications.publish_ranking(
        OPERATOR, county=site.county, period="2019"
    ).id


@pytest.fixture(scope="module")
def photo(site) -> str:
    """A photo attached to an entry of the first township (one no other test reads)."""
    services = site.services
    line = {"township": site.township, "type": "inspection_conducted", "id": "IN-ROUTES",
            "occurred_on": "2024-03-01", "area": "x"}  # fmt: skip
    services.interchange.record_line(OPERATOR, line)
    return services.evidence.attach(
        OPERATOR, township=site.township, entry_id="IN-ROUTES", name="p.jpg",
        content=io.BytesIO(samples.photo()),
    ).sha256  # fmt: skip


@pytest.fixture(scope="module")
def submitted(site) -> None:
    """The first township's 2018 report, submitted (a year no other test reads)."""
    site.services.entries.record(
        OPERATOR,
        township=site.township,
        type="report_submitted",
        entry_id="RS-2018-routes",
        occurred_on="2019-01-10",
        fields={"year": 2018},
    )


@pytest.mark.parametrize("endpoint", sorted(RULES))
def test_each_role_gets_what_domain_md_says(
    endpoint, clients, app, site, publication, submitted, photo
):
    method, path, statuses = RULES[endpoint]
    entry = seed_year(site.township)[0]["id"]
    url = path.format(
        town=site.township, entry=entry, publication=publication, photo=photo, county=site.county
    )
    got = {}
    for role in ROLES:
        client = clients[role]
        if endpoint == "accounts.logout" and role != "anonymous":
            client = app.test_client()
            sign_in(client, site.users[role])
        answer = client.open(url, method=method, data={} if method == "POST" else None)
        got[role] = answer.status_code
        if answer.mimetype == "text/html" and endpoint not in PREVIEWS:
            assert not INLINE.search(answer.text), f"{url} has inline script or style"
    expected = {role: statuses.get(role, 302) for role in ROLES}
    assert got == expected
