"""Reading through the API: the same documents as the command line's ``--json``."""

from __future__ import annotations

import io
import json

import docx

from tests.support import OPERATOR, seed_year
from tests.unit.test_seed import SEED
from tests.web.api.conftest import error_of

AS_OF = "2030-01-01T00:00:00Z"


def ndjson(lines):
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode()


def lookup(doc, path):
    for part in path.split("."):
        doc = doc[part]
    return doc


def test_figures_are_the_command_lines_document(site, ledger):
    clerk = site.caller("head")
    done = clerk.post("/api/v1/imports", data=ndjson(seed_year(site.township)))
    assert done.status_code == 201
    answer = clerk.get(f"/api/v1/townships/{site.township}/figures?period=2024&as_of={AS_OF}")
    assert answer.status_code == 200
    doc = answer.get_json()
    for seed in SEED:
        found = lookup(doc, seed.figure)
        assert (found["value"] if seed.figure.startswith("rates.") else found) == seed.value
    same = ledger.figures.figures(OPERATOR, township=site.township, period="2024", as_of=AS_OF)
    assert doc == json.loads(json.dumps(same))
    trace = clerk.get(
        f"/api/v1/townships/{site.township}/trace?period=2024&figure=issues.rectified"
    ).get_json()
    assert len(trace["entries"]) == 32
    assert trace["entries"] == ledger.figures.trace(
        OPERATOR, township=site.township, period="2024", figure="issues.rectified"
    )


def test_ranking_and_indicators(site, ledger):
    officer = site.caller("county_officer")
    site.caller("head").post("/api/v1/imports", data=ndjson(seed_year(site.township)))
    path = f"/api/v1/counties/{site.county}/ranking?period=2024&as_of={AS_OF}"
    doc = officer.get(path).get_json()
    same = ledger.rankings.ranking(
        OPERATOR, county=site.county, period="2024", as_of=AS_OF, with_flags=True
    )
    assert doc == json.loads(json.dumps(same))
    assert doc["townships"][0]["township"] == site.township
    indicators = f"/api/v1/counties/{site.county}/indicators"
    defaults = officer.get(indicators).get_json()["indicators"]
    assert len(defaults) == 5
    chosen = [{"figure": "rates.mediation_success", "direction": "higher", "weight": 2}]
    assert officer.put(indicators, json={"indicators": chosen}).status_code == 200
    assert officer.get(indicators).get_json()["indicators"] == [
        {"figure": "rates.mediation_success", "direction": "higher", "weight": 2}
    ]
    live = officer.get(f"/api/v1/counties/{site.county}/ranking?period=2024").get_json()
    assert live["weights"] == chosen
    # A clerk sees no county; an auditor sees it but may not set its indicators.
    assert site.caller("clerk").put(indicators, json={"indicators": chosen}).status_code == 404
    assert site.caller("auditor").put(indicators, json={"indicators": chosen}).status_code == 403
    bad = officer.put(indicators, json={"indicators": [{**chosen[0], "figure": "nonsense"}]})
    assert bad.status_code == 422
    assert error_of(bad)["field"] == "indicators[1].figure"


def test_reports_as_docx_and_html(site):
    clerk = site.caller("head")
    clerk.post("/api/v1/imports", data=ndjson(seed_year(site.township)))
    path = f"/api/v1/townships/{site.township}/reports/2024"
    html = clerk.get(path + "?format=html")
    assert html.status_code == 200
    assert html.mimetype == "text/html"
    assert "一、" in html.get_data(as_text=True)
    word = clerk.get(path + "?format=docx")
    assert word.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "362" in text
    assert clerk.get(path + "?format=pdf").status_code == 422


def test_bad_periods_and_moments_name_their_field(site):
    clerk = site.caller("clerk")
    base = f"/api/v1/townships/{site.township}/figures"
    assert error_of(clerk.get(base + "?period=2024-13"))["field"] == "period"
    assert error_of(clerk.get(base + "?period=2024&as_of=yesterday"))["field"] == "as_of"
    assert error_of(clerk.get(base))["field"] == "period"
    assert error_of(clerk.get(base + "?period=2024&colour=red"))["field"] == "colour"
