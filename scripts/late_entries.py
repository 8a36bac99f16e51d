"""How big the officer's ranking page and the API's ranking get after many late entries.

    python scripts/late_entries.py [COUNT] [DATABASE_URL]   # 60000, a fresh SQLite file

Makes a county of two townships (the seed town's 2024 in one), publishes the 2024 ranking,
imports COUNT late dispute registrations of 2024 into the other township (so that its rank
changes and a restatement notice is due), and prints how long the import took and the size
and time of ``/county/``, the API's ranking, and the auditor's ranking and figures as of the
publication. A one-off measurement (docs/performance.md), not a benchmark.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import uuid

from infra.settings import Settings
from infra.wiring import open_ledger
from tests.support import OPERATOR, PASSWORD, seed_year
from web import create_app
from web.config import WebConfig


def late_lines(township: str, count: int) -> list[str]:
    return [
        json.dumps(
            {
                "township": township,
                "type": "dispute_registered",
                "id": f"LATE-{n:06d}",
                "occurred_on": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "source": "screening",
                "category": "邻里",
            },
            ensure_ascii=False,
        )
        + "\n"
        for n in range(count)
    ]


def measured(client, url: str, **options) -> str:
    started = time.perf_counter()
    answer = client.get(url, **options)
    took = time.perf_counter() - started
    assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
    return f"{url.split('?')[0]}: {len(answer.data) / 1024:,.0f} KiB in {took:.2f} s"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 60_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tempfile.mkdtemp()}/ledger.sqlite3"
    ledger = open_ledger(Settings(database_url=url))
    tag = uuid.uuid4().hex[:8]
    county, town, other = f"c-{tag}", f"t-{tag}", f"o-{tag}"
    ledger.tenancy.add_county(OPERATOR, code=county, name="测试县")
    ledger.tenancy.add_township(OPERATOR, county=county, code=town, name="巩留镇")
    ledger.tenancy.add_township(OPERATOR, county=county, code=other, name="东买里镇")
    seed = [json.dumps(line, ensure_ascii=False) + "\n" for line in seed_year(town)]
    ledger.interchange.import_lines(OPERATOR, seed)
    # the other township's one dispute, resolved: rank 1 before the late lines
    ledger.interchange.import_lines(OPERATOR, late_lines(other, 1))
    ledger.entries.record(
        OPERATOR,
        township=other,
        type="dispute_mediated",
        entry_id="LATE-000000",
        occurred_on="2024-01-02",
        fields={"outcome": "resolved", "mediator": "volunteer"},
    )
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    lines = late_lines(other, count + 1)[1:]
    started = time.perf_counter()
    ledger.interchange.import_lines(OPERATOR, lines)
    took = time.perf_counter() - started
    print(f"{url.split(':')[0]}: imported {count:,} late lines in {took:.1f} s")
    ledger.read_model.refresh()
    for role, name in (("county_officer", "officer"), ("auditor", "auditor")):
        ledger.tenancy.add_user(
            OPERATOR, username=f"{name}-{tag}", password=PASSWORD, role=role, county=county
        )
    app = create_app(ledger, WebConfig(secret_key="measure", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    officer, auditor, script = app.test_client(), app.test_client(), app.test_client()
    officer.post("/login", data={"username": f"officer-{tag}", "password": PASSWORD})
    auditor.post("/login", data={"username": f"auditor-{tag}", "password": PASSWORD})
    token = script.post(
        "/api/v1/tokens", json={"username": f"officer-{tag}", "password": PASSWORD}
    ).json["token"]
    moment = receipt.published_at
    print(measured(officer, "/county/?period=2024"))
    print(
        measured(
            script,
            f"/api/v1/counties/{county}/ranking?period=2024",
            headers={"Authorization": f"Bearer {token}"},
        )
    )
    print(measured(auditor, f"/audit/ranking?period=2024&as_of={moment}"))
    print(measured(auditor, f"/audit/figures?township={other}&period=2024&as_of={moment}"))
    ledger.close()


if __name__ == "__main__":
    main()
