"""A site for the page tests: the ledger on the in-memory store with a projection worker
beside it (pages never project; they wait for their own writes), two counties, and a user for
every role. Every test signs in with its own client."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from infra.settings import event_store_env
from services import Services, open_services
from tests.support import OPERATOR, PASSWORD, seed_year, unique
from web import create_app
from web.config import WebConfig


@dataclass(frozen=True)
class Site:
    services: Services
    county: str
    township: str  # holds the seed town's 2024
    neighbour: str  # another township of the same county
    other_county: str
    other_township: str
    users: dict[str, str]  # role name used by the tests -> username

    def add_user(self, role: str, **scope: str) -> str:
        username = unique(role)
        self.services.tenancy.add_user(
            OPERATOR, username=username, password=PASSWORD, role=role, **scope
        )
        return username


@pytest.fixture(scope="package")
def site() -> Iterator[Site]:
    services = open_services({**event_store_env("memory:"), "CREATE_TABLE": "y"})
    services.read_model.refresh_before_reads = False
    stop = services.read_model.follow_in_background(interval=0.01)
    tenancy = services.tenancy
    codes = {k: unique(k) for k in ("county", "town", "neighbour", "far", "fartown")}
    tenancy.add_county(OPERATOR, code=codes["county"], name="测试县")
    tenancy.add_county(OPERATOR, code=codes["far"], name="远方县")
    for key, county, name in (
        ("town", "county", "巩留镇"),
        ("neighbour", "county", "东买里镇"),
        ("fartown", "far", "远方镇"),
    ):
        tenancy.add_township(OPERATOR, county=codes[county], code=codes[key], name=name)
    lines = [json.dumps(line, ensure_ascii=False) for line in seed_year(codes["town"])]
    services.interchange.import_lines(OPERATOR, lines)
    made = Site(
        services,
        codes["county"],
        codes["town"],
        codes["neighbour"],
        codes["far"],
        codes["fartown"],
        {},
    )
    made.users.update(
        clerk=made.add_user("clerk", township=made.township),
        head=made.add_user("head", township=made.township),
        county_officer=made.add_user("county_officer", county=made.county),
        auditor=made.add_user("auditor", county=made.county),
        admin=made.add_user("admin"),
        neighbour_clerk=made.add_user("clerk", township=made.neighbour),
        far_officer=made.add_user("county_officer", county=made.other_county),
        far_auditor=made.add_user("auditor", county=made.other_county),
    )
    services.read_model.wait_for(services.read_model.recorded_position())
    try:
        yield made
    finally:
        stop.set()
        services.close()


def make_app(site: Site, **config) -> Flask:
    app = create_app(site.services, WebConfig(secret_key="test-secret", testing=True, **config))
    return app


@pytest.fixture(scope="package")
def app(site: Site) -> Flask:
    made = make_app(site)
    made.config["WTF_CSRF_ENABLED"] = False
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD):
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def as_role(app: Flask, site: Site):
    """A client signed in as the site's user of a role (clerk, head, county_officer …)."""

    def signed_in(role: str) -> FlaskClient:
        client = app.test_client()
        answer = sign_in(client, site.users[role])
        assert answer.status_code == 302, answer.text
        return client

    return signed_in


def shown(page: str, figure: str) -> int:
    """The number a page shows for a figure (marked with data-figure)."""
    found = re.search(rf'data-figure="{re.escape(figure)}">(\d+)<', page)
    assert found, f"{figure} not shown"
    return int(found.group(1))


def field_error(page: str) -> list[str]:
    return re.findall(r'class="field-error" id="([\w.\[\]]+)-error"', page)


@pytest.fixture
def town(app: Flask, site: Site) -> SimpleNamespace:
    """A township of a county of its own, with a signed-in clerk, head, county officer and
    auditor (``town.clerk`` …, and ``town.county``, ``town.code``)."""
    county, code = unique("county"), unique("town")
    site.services.tenancy.add_county(OPERATOR, code=county, name="流程县")
    site.services.tenancy.add_township(OPERATOR, county=county, code=code, name="流程镇")
    clients = {}
    for role, scope in (
        ("clerk", {"township": code}),
        ("head", {"township": code}),
        ("county_officer", {"county": county}),
        ("auditor", {"county": county}),
    ):
        clients[role] = app.test_client()
        assert sign_in(clients[role], site.add_user(role, **scope)).status_code == 302
    return SimpleNamespace(county=county, code=code, **clients)


def caught_up(site: Site) -> None:
    read_model = site.services.read_model
    read_model.wait_for(read_model.recorded_position())
