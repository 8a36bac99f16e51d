"""A world for the fuzz tests: two counties of two townships each, entries in every township
whose texts mark whose they are, and a user of every role with a page session and an API
token. The markers let a test tell, from any answer's bytes, whose data it holds."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from domain.entry import Entry
from services import Services
from tests.support import OPERATOR, PASSWORD, before_safe_ids, unique
from web import create_app
from web.config import WebConfig

# Argon2id with a test's costs: the world signs in some twenty users.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
SHARED_ID = "E-1"  # an entry id every township holds: another's must look like a missing one
# An id of before ids were limited to a safe set (every township holds one too): its links
# must stay on it, and it is still followed up and retracted.
OLD_ID = "../../E 1/?x#y"
YEAR = "2024"


@dataclass
class Township:
    code: str
    county: str
    name: str
    marker: str  # written into the texts of its entries; no request ever carries it
    ids: list[str] = field(default_factory=list)  # its entries, SHARED_ID first
    open_ids: list[str] = field(default_factory=list)  # entries awaiting a follow-up
    retracted: str = ""
    submission: str = ""  # the head's report_submitted id
    narrative: str = ""  # the head's report_narrative id


@dataclass
class County:
    code: str
    name: str
    townships: list[str] = field(default_factory=list)


@dataclass
class User:
    name: str
    role: str  # clerk, head, county_officer, auditor, admin, anonymous
    township: str | None = None
    county: str | None = None
    page: FlaskClient | None = None  # signed in to the pages
    api: FlaskClient | None = None  # carries no cookie; the token goes in a header
    token: str = ""

    @property
    def key(self) -> str:
        where = self.township or self.county or "installation"
        return f"{self.role}@{where}"

    def upload(self, data: bytes, name: str = "entries.jsonl"):
        """A file sent through the import page, as a browser uploads it."""
        return self.page.post(
            "/township/import",
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )


@dataclass
class World:
    ledger: Services
    app: Flask
    counties: dict[str, County]
    townships: dict[str, Township]
    users: list[User]

    # -- what each user may see and change (DOMAIN.md "Who uses it") --------------------

    def sees(self, user: User, township: str) -> bool:
        if user.role in ("clerk", "head"):
            return user.township == township
        if user.role in ("county_officer", "auditor"):
            return self.townships[township].county == user.county
        return False

    def sees_county(self, user: User, county: str) -> bool:
        if user.role in ("county_officer", "auditor"):
            return user.county == county
        if user.role in ("clerk", "head"):
            return self.townships[user.township].county == county
        return False

    def may_record(
        self, username: str, township: str, type_: str, held: Collection[str] = ()
    ) -> bool:
        """May this user have recorded an event of this type in this township (a retraction:
        of an entry holding events of the ``held`` types)? A retraction only by whoever may
        record every event of the entry (DOMAIN.md: a clerk not the head's or the county's)."""
        from domain.catalogue import COUNTY_TYPES, HEAD_TYPES

        user = next((u for u in self.users if u.name == username), None)
        if user is None:
            return username == OPERATOR.username
        if type_ == "entry_retracted" and held:
            others = [t for t in held if not self.may_record(username, township, t)]
            if others:
                return False
        if type_ in COUNTY_TYPES:
            return user.role == "county_officer" and self.sees(user, township)
        if user.role not in ("clerk", "head") or user.township != township:
            return False
        return type_ not in HEAD_TYPES or user.role == "head"

    def hidden_markers(self, user: User) -> dict[str, str]:
        """Strings that must never reach this user: the codes, names and texts of every
        township and county the user may not see -> whose they are. The administrator sees
        every county's and township's code and name (they administer them), never what a
        township recorded (its entries' texts)."""
        hidden: dict[str, str] = {}
        for town in self.townships.values():
            if not self.sees(user, town.code):
                texts = (
                    (town.marker,) if user.role == "admin" else (town.code, town.name, town.marker)
                )
                for text in texts:
                    hidden[text] = town.code
        for county in self.counties.values():
            if not self.sees_county(user, county.code) and user.role != "admin":
                hidden[county.code] = hidden[county.name] = county.code
        return hidden

    def foreign_codes(self, user: User) -> list[str]:
        """The codes of the tenants hidden from this user (they may appear in a request).
        None from the administrator, who administers every county and township (what a
        township records stays hidden from them: ``hidden_markers``)."""
        if user.role == "admin":
            return []
        codes = [t.code for t in self.townships.values() if not self.sees(user, t.code)]
        return codes + [
            c.code for c in self.counties.values() if not self.sees_county(user, c.code)
        ]

    # -- the ledger's log ---------------------------------------------------------------

    def events(self, start: int = 1) -> Iterator[tuple[int, Any]]:
        app = self.ledger.app
        while True:
            page = app.recorder.select_notifications(start=start, limit=1000)
            for notification in page:
                yield notification.id, app.mapper.to_domain_event(notification)
            if len(page) < 1000:
                return
            start = page[-1].id + 1

    def position(self) -> int:
        return self.ledger.app.recorder.max_notification_id() or 0

    def entry_events(self) -> dict[str, list[tuple[Any, ...]]]:
        """Each township's entry events, in order, as comparable tuples."""
        found: dict[str, list[tuple[Any, ...]]] = {code: [] for code in self.townships}
        for position, event in self.events():
            if isinstance(event, Entry.Event) and event.township in found:
                found[event.township].append(
                    (position, event.TYPE, event.entry_id, event.actor, repr(event.payload()))
                )
        return found


def readable(body: bytes) -> str:
    """An answer's bytes as text to search: a workbook's or document's parts unzipped."""
    if body.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                body = b"\n".join(archive.read(name) for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return body.decode("utf-8", errors="replace")


def build_world(ledger: Services) -> World:
    """Two counties, two townships each, entries in each; every role's user signed in."""
    ledger.tenancy.hasher = FAST_HASHER
    counties: dict[str, County] = {}
    townships: dict[str, Township] = {}
    for _ in range(2):
        county = County(unique("county"), f"县{unique('cn')}")
        ledger.tenancy.add_county(OPERATOR, code=county.code, name=county.name)
        counties[county.code] = county
        for _ in range(2):
            code = unique("town")
            town = Township(code, county.code, f"镇{unique('tn')}", unique("mark"))
            ledger.tenancy.add_township(OPERATOR, county=county.code, code=code, name=town.name)
            county.townships.append(code)
            townships[code] = town
            _seed(ledger, town)
    app = create_app(ledger, WebConfig(secret_key="fuzz", testing=True))
    app.config["WTF_CSRF_ENABLED"] = False
    users = [User(unique("anonymous"), "anonymous")]
    for town in townships.values():
        users += [
            User(unique("clerk"), "clerk", town.code),
            User(unique("head"), "head", town.code),
        ]
    for county in counties.values():
        for role in ("county_officer", "auditor"):
            users.append(User(unique(role.replace("_", "-")), role, county=county.code))
    users.append(User(unique("admin"), "admin"))
    for user in users:
        if user.role != "anonymous":
            ledger.tenancy.add_user(
                OPERATOR,
                username=user.name,
                password=PASSWORD,
                role=user.role,
                township=user.township,
                county=user.county,
            )
        sign_in(app, user)
    return World(ledger, app, counties, townships, users)


def sign_in(app: Flask, user: User, *, page: bool = True, api: bool = True) -> None:
    """A page session and an API token for the user (the anonymous visitor has neither); once
    signed out of one of them, that one again. Tokens issued to a user are held back past
    ``domain.token.MOST_ISSUED`` an hour: then the user goes on without one (401s)."""
    if page:
        user.page = app.test_client()
        user.page.environ_base["REMOTE_ADDR"] = unique("addr")
    if api:
        user.api = app.test_client()
        user.api.environ_base["REMOTE_ADDR"] = unique("addr")
    if user.role == "anonymous":
        return
    if page:
        answer = user.page.post("/login", data={"username": user.name, "password": PASSWORD})
        assert answer.status_code == 302, (user.key, answer.status_code)
    if api:
        issued = user.api.post("/api/v1/tokens", json={"username": user.name, "password": PASSWORD})
        assert issued.status_code in (201, 429), (user.key, issued.get_json())
        user.token = issued.get_json()["token"] if issued.status_code == 201 else ""


def _seed(ledger: Services, town: Township) -> None:
    mark, code = town.marker, town.code
    # Ids are not markers: a request may carry another township's id into one's own.
    d, i, h, s, li, rn, rs = (unique(p) for p in ("D", "I", "H", "S", "L", "RN", "RS"))
    lines = [
        {"type": "dispute_registered", "id": SHARED_ID, "source": "screening", "category": mark},
        {"type": "dispute_registered", "id": OLD_ID, "source": "screening", "category": mark},
        {"type": "dispute_registered", "id": d, "source": "petition", "category": mark},
        {
            "type": "issue_found",
            "id": i,
            "category": mark,
            "description": mark,
            "deadline": "2024-06-30",
        },
        {"type": "hotline_case_received", "id": h},
        {"type": "session_held", "id": s, "kind": "lecture", "title": mark, "attendees": 7},
        {"type": "liaison_registered", "id": li},
        {"type": "entry_retracted", "id": li, "reason": mark},
        {"type": "report_narrative", "id": rn, "year": 2024, "problems": mark, "next_steps": mark},
        {"type": "report_submitted", "id": rs, "year": 2024},
    ]
    text = [
        json.dumps({"township": code, "occurred_on": "2024-03-05", **line}, ensure_ascii=False)
        for line in lines
    ]
    with before_safe_ids():
        ledger.interchange.import_lines(OPERATOR, text)
    town.ids = [line["id"] for line in lines if line["type"] != "entry_retracted"]
    town.open_ids = [SHARED_ID, OLD_ID, d, i, h]
    town.retracted = li
    town.submission, town.narrative = rs, rn
