"""Trusted timestamps on the pages, with the test timestamp authority configured: the county's
publications page and the auditor's say which publications wait for a token, then show its
time on the installation's clock (Chinese form on Chinese pages) and its authority; the
auditor sees each township's chain head stamped."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from flask import Flask

from infra.settings import event_store_env
from infra.tsa import CertificateReader, HttpAuthority
from services import Services, open_services
from tests.support import OPERATOR, dispute, unique
from tests.tsa import AUTHORITY_WORDS, TestAuthority, tsa, tsa_folder  # noqa: F401 (fixtures)
from tests.web.conftest import sign_in
from web import create_app
from web.config import WebConfig


@pytest.fixture
def stamped(tsa: TestAuthority) -> Iterator[tuple[Services, Flask, str, list[str]]]:  # noqa: F811
    """A ledger of the test's own (in memory) stamping with the test TSA; a county of two
    townships with a year of disputes; its pages."""
    from cryptography import x509

    roots = tuple(x509.load_pem_x509_certificates(tsa.ca.read_bytes()))
    reader = CertificateReader(roots)
    services = open_services(
        {**event_store_env("memory:"), "CREATE_TABLE": "y"},
        authority=HttpAuthority(tsa.url, reader, 5.0),
        reader=reader,
    )
    county, towns = unique("county"), [unique("jia"), unique("yi")]
    services.tenancy.add_county(OPERATOR, code=county, name="对照县")
    for code, name in zip(towns, ("甲镇", "乙镇"), strict=True):
        services.tenancy.add_township(OPERATOR, county=county, code=code, name=name)
    lines = [*dispute(towns[0], "D-1", "2024-03-01", resolved=True)]
    services.interchange.import_lines(OPERATOR, [json.dumps(x, ensure_ascii=False) for x in lines])
    app = create_app(services, WebConfig(secret_key="test-secret", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        yield services, app, county, towns
    finally:
        services.close()


def signed_in(services: Services, app: Flask, role: str, county: str):
    username = unique(role)
    services.tenancy.add_user(
        OPERATOR, username=username, password="correct horse battery", role=role, county=county
    )
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def cell(page: str, row: str, attribute: str = "data-timestamp") -> str:
    found = re.search(rf"<tr {row}>.*?<td {attribute}>(.*?)</td>", page, re.S)
    assert found, page
    return found.group(1)


def beijing(stamped_at: str, chinese: bool = True) -> str:
    """The time as a reader in Beijing writes it (UTC+8, worked out here by hand)."""
    at = datetime.fromisoformat(stamped_at.replace("Z", "+00:00")) + timedelta(hours=8)
    if chinese:
        return f"{at.year}年{at.month}月{at.day}日 {at.hour:02d}:{at.minute:02d}"
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    month = month[at.month - 1]
    return f"{at.day} {month} {at.year} {at.hour:02d}:{at.minute:02d}"


def test_the_pages_say_what_waits_and_then_when_and_by_whom(
    stamped,
    tsa: TestAuthority,  # noqa: F811
) -> None:
    services, app, county, towns = stamped
    officer = signed_in(services, app, "county_officer", county)
    auditor = signed_in(services, app, "auditor", county)
    tsa.stop()  # publishing does not wait for it
    assert officer.post("/county/publications", data={"period": "2024"}).status_code == 302
    (published,) = services.publications.published(OPERATOR, county=county)
    row = f'data-publication="{published["id"]}"'
    assert services.stamper().step().failed == 1
    for client, path in ((officer, "/county/publications"), (auditor, "/audit/")):
        assert "等待时间戳机构签发" in cell(client.get(path).text, row)
    audit = auditor.get("/audit/").text
    assert (
        "等待时间戳机构签发" in audit.split(f'data-chain-stamp="{towns[0]}"')[1].split("</tr>")[0]
    )
    assert "尚无记录" in audit.split(f'data-chain-stamp="{towns[1]}"')[1].split("</tr>")[0]

    tsa.start()
    assert services.stamper().step().stamped == 2  # the ranking, 甲镇's chain head
    (published,) = services.publications.published(OPERATOR, county=county)
    stamped_at = published["timestamp"]["stamped_at"]
    for client, path in ((officer, "/county/publications"), (auditor, "/audit/")):
        shown = cell(client.get(path).text, row)
        assert shown == f"{beijing(stamped_at)}<br>{AUTHORITY_WORDS}"
    audit = auditor.get("/audit/").text
    head = audit.split(f'data-chain-stamp="{towns[0]}"')[1].split("</tr>")[0]
    assert f"<td>{beijing(stamped_at)}</td><td>{AUTHORITY_WORDS}</td>" in head
    assert "至第 1 环" in head and "UTC" not in head

    auditor.get("/language/en")
    shown = cell(auditor.get("/audit/").text, row)
    assert shown == f"{beijing(stamped_at, chinese=False)}<br>{AUTHORITY_WORDS}"
