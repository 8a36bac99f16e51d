"""Every list a page or an API document carries is bounded: after thousands of late entries
(issue 24: 60,000 made the officer's ranking page 23 MB), the restatement notice and the
auditor's as-of pages give the entries' counts and the first of them, with a link to the
rest; their size does not grow with the number of entries. On SQLite and PostgreSQL.

(The 60,000 of the issue take the import about 3-4 s and the pages as long again: measured
with scripts/late_entries.py, docs/performance.md. Here 1,500 late disputes, 3,001 events,
prove the bound: the pages weigh the same as after 60.)"""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from tests.support import OPERATOR, PASSWORD, Tenants, dispute, line
from tests.web.api.conftest import Site

BOUND = 500 * 1024
FEW, MANY = 60, 1_500  # FEW: more than a page of 100 events


def late_disputes(town: str, start: int, stop: int) -> list[str]:
    lines = []
    for n in range(start, stop):
        lines += dispute(town, f"LATE-{n:05d}", "2024-05-01", resolved=True)
    return [json.dumps(one, ensure_ascii=False) + "\n" for one in lines]


def signed_in(app, username: str) -> FlaskClient:
    """A client of the pages signed in as ``username`` (the form's CSRF token not asked)."""
    app.config["WTF_CSRF_ENABLED"] = False
    page = app.test_client()
    assert page.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return page


def sizes(site: Site, pages: dict[str, FlaskClient], town: str, moment: str) -> dict[str, int]:
    """The size of each answer that lists the entries since the publication, checked to be
    an answer (200)."""
    county = site.county
    asked = {
        "officer's ranking page": (pages["officer"], "/county/?period=2024"),
        "auditor's ranking as of": (
            pages["auditor"],
            f"/audit/ranking?period=2024&as_of={moment}",
        ),
        "auditor's figures as of": (
            pages["auditor"],
            f"/audit/figures?township={town}&period=2024&as_of={moment}",
        ),
        "API ranking": (
            site.caller("county_officer"),
            f"/api/v1/counties/{county}/ranking?period=2024",
        ),
        "API ranking difference": (
            site.caller("auditor"),
            f"/api/v1/counties/{county}/ranking/difference?period=2024&as_of={moment}",
        ),
        "API figures difference": (
            site.caller("auditor"),
            f"/api/v1/townships/{town}/figures/difference?period=2024&as_of={moment}",
        ),
        "auditor's history window": (
            pages["auditor"],
            f"/audit/stream?township={town}&from={moment}",
        ),
        "API history window": (
            site.caller("auditor"),
            f"/api/v1/townships/{town}/history?from={moment}",
        ),
        "API trace": (
            site.caller("auditor"),
            f"/api/v1/townships/{town}/trace?period=2024&figure=disputes.registered&limit=50",
        ),
    }
    found = {}
    for name, (client, path) in asked.items():
        answer = client.get(path)
        assert answer.status_code == 200, (name, answer.text[:300])
        found[name] = len(answer.data)
    return found


def test_answers_stay_bounded_after_thousands_of_late_entries(ledger, app, site):
    county, town = site.county, site.township
    other = Tenants(ledger).township(county)
    ledger.interchange.import_lines(
        OPERATOR,
        [
            json.dumps(one, ensure_ascii=False) + "\n"
            for one in [
                *dispute(town, "D-1", "2024-02-01", resolved=False),
                *dispute(other, "D-1", "2024-02-01", resolved=True),
            ]
        ],
    )
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    pages = {
        "officer": signed_in(app, site.caller("county_officer").username),
        "auditor": signed_in(app, site.caller("auditor").username),
    }
    retraction = line(other, "entry_retracted", "D-1", "2024-06-01", reason="重复登记")
    ledger.interchange.import_lines(OPERATOR, [json.dumps(retraction, ensure_ascii=False)])
    ledger.interchange.import_lines(OPERATOR, late_disputes(town, 0, FEW))
    ledger.read_model.refresh()
    few = sizes(site, pages, town, receipt.published_at)
    ledger.interchange.import_lines(OPERATOR, late_disputes(town, FEW, MANY))
    ledger.read_model.refresh()
    many = sizes(site, pages, town, receipt.published_at)
    for name, size in many.items():
        assert size < BOUND, (name, size)
        # only the counts' digits differ: 121 and 3,001 events
        assert abs(size - few[name]) < 64, (name, few[name], size)
    ranking = site.caller("county_officer").get(f"/api/v1/counties/{county}/ranking?period=2024")
    notice = ranking.get_json()["restatement"]
    assert notice["counts"] == {
        "recorded": 2 * MANY,
        "retracted": 1,
        "townships": [
            {"township": town, "recorded": 2 * MANY, "retracted": 0},
            {"township": other, "recorded": 0, "retracted": 1},
        ],
    }
    assert len(notice["entries"]) == 20 and notice["next_cursor"]
    page = pages["officer"].get("/county/?period=2024").text
    assert f'href="/county/publications/{receipt.id}/entries"' in page
    # the history window, a page at a time, every event once
    auditor, seen, cursor = site.caller("auditor"), [], ""
    while cursor is not None:
        window = auditor.get(
            f"/api/v1/townships/{town}/history",
            query_string={"from": receipt.published_at, "limit": 200, "cursor": cursor},
        ).get_json()
        assert window["total"] == 2 * MANY
        seen += [event["position"] for event in window["events"]]
        cursor = window["next_cursor"]
    assert len(seen) == len(set(seen)) == 2 * MANY and seen == sorted(seen)
    # the ids behind a figure, a page at a time
    ids, cursor = [], ""
    while cursor is not None:
        traced = auditor.get(
            f"/api/v1/townships/{town}/trace",
            query_string={"period": "2024", "figure": "disputes.registered", "cursor": cursor},
        ).get_json()
        assert traced["total"] == MANY + 1
        ids += traced["entries"]
        cursor = traced["next_cursor"]
    assert ids == sorted({"D-1", *(f"LATE-{n:05d}" for n in range(MANY))})
