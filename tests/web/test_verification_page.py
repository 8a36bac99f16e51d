"""The auditor's verification page on a database of its own (SQLite, as the product opens
it), tampered with past the product: the page names the first record that does not match,
in the user's words."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from domain.entry import entry_uuid
from infra.settings import Settings
from infra.wiring import open_ledger
from services import Services
from services.verification import KINDS
from tests.integration.tampering import RawStore, two_disputes
from tests.support import OPERATOR, PASSWORD, line, unique
from tests.web.conftest import sign_in
from web import create_app
from web.audit_labels import FINDINGS
from web.config import WebConfig


@pytest.fixture
def ledger(tmp_path) -> Iterator[tuple[Services, RawStore, str]]:
    url = f"sqlite:///{tmp_path}/ledger.sqlite3"
    services = open_ledger(Settings(two_factor="optional", database_url=url))
    county, town = unique("county"), unique("town")
    services.tenancy.add_county(OPERATOR, code=county, name="核验县")
    services.tenancy.add_township(OPERATOR, county=county, code=town, name="核验镇")
    services.tenancy.add_user(
        OPERATOR, username="inspector", password=PASSWORD, role="auditor", county=county
    )
    services.interchange.import_lines(
        OPERATOR,
        [
            *(line_text(x) for x in two_disputes(town)),
            line_text(
                line(
                    town, "dispute_registered", "D-3", "2024-05-01", source="other", category="劳动"
                )
            ),
        ],
    )
    raw = RawStore(url, services.app.recorder.events_table_name)
    try:
        yield services, raw, town
    finally:
        raw.close()
        services.close()


def line_text(found: dict) -> str:
    return json.dumps(found, ensure_ascii=False)


@pytest.fixture
def auditor(ledger):
    services, _, _ = ledger
    app = create_app(services, WebConfig(secret_key="test-secret", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert sign_in(client, "inspector").status_code == 302
    return client


def test_an_untouched_ledger_passes(ledger, auditor):
    page = auditor.post("/audit/verification", data={"township": ""}).text
    assert 'data-verified="ok"' in page and "1 个乡镇" in page and "4 个事件" in page


def test_a_changed_field_is_named_in_the_users_words(ledger, auditor):
    _, raw, town = ledger
    key = entry_uuid(town, "D-1")
    state = raw.state(key, 1)
    state["category"] = "婚姻"
    raw.set_state(key, 1, state)
    answer = auditor.post("/audit/verification", data={"township": town})
    assert answer.status_code == 200, answer.text
    first = re.search(r"<p data-first-finding>(.*?)</p>", answer.text, re.S).group(1)
    assert "核验镇" in first and "记录编号 D-1" in first and "第 1 个事件" in first
    assert "这条记录的内容与登记时不同" in answer.text
    assert 'data-verified="failed"' in answer.text


def test_a_deleted_row_is_named(ledger, auditor):
    _, raw, town = ledger
    raw.delete(entry_uuid(town, "D-3"), 1)
    page = auditor.post("/audit/verification", data={"township": town}).text
    first = re.search(r"<p data-first-finding>(.*?)</p>", page, re.S).group(1)
    assert "记录编号 D-3" in first
    assert "哈希链登记过的这条记录已不在台账中" in page


def test_every_kind_of_finding_is_worded():
    assert set(FINDINGS) == set(KINDS)
