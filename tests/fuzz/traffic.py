"""Randomised traffic for the isolation fuzz: requests by every user to every route of the
app's URL map (pages and API), their path parameters, queries and bodies filled with the
codes and ids of both counties' townships, and of none.

Routes are walked from ``app.url_map``, so a route added later is fuzzed without a change
here: a path parameter is filled by its name, a body by what the route is known to take, or
by a guess (a form and a JSON body naming a township, a county and an entry)."""

from __future__ import annotations

import io
import json
import random
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from openpyxl import Workbook

from domain.catalogue import ALL_TYPES
from services.catalogue import rankable_figures
from tests.fuzz.lines import GOOD_FIELDS, good_line
from tests.fuzz.world import SHARED_ID, User, World
from tests.support import PASSWORD, unique

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
# What takes the world's own people out of it for the rest of a run (a county suspended, a
# user disabled, given a one-time password or another role): their rights and isolation are
# tested on their own (tests/integration/test_administration.py, the route sweeps); here they
# would leave most of a run's requests refused for the wrong reason.
ENDS_THE_WORLD = {
    "administration.suspend_county",
    "administration.disable",
    "administration.password_reset",
    "administration.change_role",
    "admin.suspend_county",
    "county.disable",
    "county.reset_password",
    "county.change_role",
}
PERIODS = ("2024", "2024-Q1", "2024-03", "2023", "2025-13", "", "²⁰²⁴", "2024-Q9", "x")
YEARS = ("2024", "2023", "0", "99999", "²", "abc", "")
DATES = ("2024-03-05", "2024-02-30", "0000-01-01", "9999-12-31", "", "2024-3-5", "٢٠٢٤-٠٣-٠٥")
MOMENTS = ("2025-01-15T00:00:00Z", "2024-01-01", "yesterday", "9999-12-31T23:59:59Z", "")
FIGURES = ("disputes.resolved", "rates.mediation_success", "nope", "rates.hotline_answer")


@dataclass
class Request:
    """One request as sent; ``swap`` replaces text in every part (a code for another)."""

    user: User
    endpoint: str
    method: str
    path: str
    api: bool
    form: dict[str, Any] | None = None
    json_body: Any = None
    data: bytes | None = None
    content_type: str | None = None
    upload: tuple[bytes, str] | None = None  # a file field "file": its bytes and name
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Everything the request carries, as text to search."""
        parts = [self.path, json.dumps(self.form or {}, ensure_ascii=False)]
        parts.append(json.dumps(self.json_body, ensure_ascii=False))
        for raw in (self.data, self.upload[0] if self.upload else None):
            if raw:
                parts.append(raw.decode("utf-8", errors="replace"))
        parts.append(json.dumps(getattr(self, "_rows", None), ensure_ascii=False, default=str))
        return "\n".join(parts)

    def swap(self, old: str, new: str) -> Request:
        def sw(value: Any) -> Any:
            if isinstance(value, str):
                return value.replace(old, new)
            if isinstance(value, bytes):
                return value.replace(old.encode(), new.encode())
            if isinstance(value, dict):
                return {sw(k): sw(v) for k, v in value.items()}
            if isinstance(value, list):
                return [sw(v) for v in value]
            return value

        upload = (sw(self.upload[0]), self.upload[1]) if self.upload else None
        if upload and self.upload[1].endswith(".xlsx"):
            upload = (workbook(sw(self._rows)), self.upload[1])
        swapped = Request(
            self.user,
            self.endpoint,
            self.method,
            sw(self.path),
            self.api,
            sw(self.form),
            sw(self.json_body),
            sw(self.data),
            self.content_type,
            upload,
            dict(self.headers),
        )
        swapped._rows = sw(getattr(self, "_rows", None))
        return swapped

    def send(self):
        client = self.user.api if self.api else self.user.page
        headers = dict(self.headers)
        if self.api and self.user.token:
            headers["Authorization"] = f"Bearer {self.user.token}"
        kwargs: dict[str, Any] = {"method": self.method, "headers": headers}
        if self.upload:
            kwargs["data"] = {
                **(self.form or {}),
                "file": (io.BytesIO(self.upload[0]), self.upload[1]),
            }
            kwargs["content_type"] = "multipart/form-data"
        elif self.form is not None:
            kwargs["data"] = self.form
        elif self.json_body is not None:
            kwargs["json"] = self.json_body
        elif self.data is not None:
            kwargs["data"] = self.data
            kwargs["content_type"] = self.content_type
        return client.open(self.path, **kwargs)

    def __str__(self) -> str:
        body = self.form if self.form is not None else self.json_body
        if body is None and self.data is not None:
            body = self.data[:300]
        if self.upload:
            body = {
                "file": self.upload[1],
                **(self.form or {}),
                "rows": getattr(self, "_rows", None),
            }
        return f"{self.user.key} ({self.user.name}) {self.method} {self.path} {body!r}"


def workbook(rows: list[list[Any]] | None) -> bytes:
    book = Workbook()
    for row in rows or []:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Traffic:
    """Makes requests at random (from ``seed``) over every route of the world's app."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(seed)
        self.rules = [
            (rule, method)
            for rule in world.app.url_map.iter_rules()
            if rule.endpoint not in ENDS_THE_WORLD
            for method in sorted(rule.methods - SKIPPED_METHODS)
        ]
        self.rules.sort(key=lambda pair: (pair[0].rule, pair[1]))

    # -- pools: what a parameter may be -------------------------------------------------

    def township(self, user: User) -> str:
        """The user's own township, one of its county, another county's, or none."""
        world, rng = self.world, self.rng
        pick = rng.random()
        own = [t for t in world.townships if world.sees(user, t)]
        if own and pick < 0.45:
            return rng.choice(own)
        if pick < 0.9:
            return rng.choice(list(world.townships))
        return rng.choice([unique("town"), "", "../x", "TOWN", "镇"])

    def county(self, user: User) -> str:
        world, rng = self.world, self.rng
        own = user.county or (world.townships[user.township].county if user.township else None)
        pick = rng.random()
        if own and pick < 0.45:
            return own
        if pick < 0.9:
            return rng.choice(list(world.counties))
        return rng.choice([unique("county"), "", "COUNTY"])

    def entry_id(self, township: str | None = None) -> str:
        town = self.world.townships.get(township or "") or self.rng.choice(
            list(self.world.townships.values())
        )
        pick = self.rng.random()
        if pick < 0.75:
            return self.rng.choice([*town.ids, town.retracted, SHARED_ID])
        return self.rng.choice(
            [unique("E"), "E 1", "", "E-1/x", "\u202e1", "../../../x", "..", "E%2F1", "纠纷-1"]
        )

    def retracted_id(self, user: User, township: str) -> str:
        """An entry to retract: for a clerk, often one of the head's (not the clerk's to
        retract: DOMAIN.md)."""
        town = self.world.townships.get(township)
        if town and user.role == "clerk" and self.rng.random() < 0.5:
            return self.rng.choice([town.submission, town.narrative])
        return self.entry_id(township)

    def type_(self) -> str:
        return self.rng.choice([*ALL_TYPES, "nope", ""])

    def line(self, user: User) -> dict[str, Any]:
        """An interchange line: mostly well made, in any township, now and then spoilt."""
        rng = self.rng
        township = self.township(user)
        type_ = rng.choice(ALL_TYPES)
        follow = type_ not in GOOD_FIELDS or rng.random() < 0.5
        entry_id = unique("F")
        if type_ == "entry_retracted":
            entry_id = self.retracted_id(user, township)
        elif follow:
            entry_id = self.entry_id(township)
        made = good_line(township, type_, entry_id, rng.choice(("2024-03-05", "2024-06-01")))
        if rng.random() < 0.15:
            made[rng.choice(list(made))] = rng.choice([None, 3, "", [], {"x": 1}, "2024-02-30"])
        if rng.random() < 0.05:
            made["unknown"] = "x"
        return made

    # -- requests -----------------------------------------------------------------------

    def request(self) -> Request:
        user = self.rng.choice(self.world.users)
        rule, method = self.rng.choice(self.rules)
        return self.make(user, rule, method)

    def make(self, user: User, rule, method: str) -> Request:
        rng = self.rng
        args: dict[str, Any] = {}
        county_route = "count" in rule.rule  # /county/..., /counties/...
        township = None
        for name in re.findall(r"<(?:\w+:)?(\w+)>", rule.rule):  # in order, as written
            if name in ("township",) or (name == "code" and not county_route):
                township = args[name] = self.township(user)
            elif name == "code" and rule.endpoint == "switch_language":
                args[name] = rng.choice(("zh", "en", "fr"))
            elif name == "code":
                args[name] = (
                    self.township(user) if rule.rule.startswith("/county/") else self.county(user)
                )
            elif name == "entry_id":
                args[name] = self.entry_id(township)
            elif name == "year":
                args[name] = rng.choice((2024, 2023, 0))
            elif name == "type_":
                args[name] = self.type_()
            elif name == "filename":
                args[name] = rng.choice(("app.css", "nope.js"))
            else:  # a parameter this fuzz does not know yet: any code or id
                args[name] = rng.choice([self.township(user), self.county(user), self.entry_id()])
        path = rule.rule
        for name, value in args.items():
            path = path.replace(f"<{name}>", str(value)).replace(f"<int:{name}>", str(value))
            path = path.replace(f"<path:{name}>", str(value))
        query = self.query(user)
        if query:
            path = f"{path}?{urlencode(query)}"
        api = rule.rule.startswith("/api/")
        made = Request(user, rule.endpoint, method, path, api)
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            self.body(made, user, rule.endpoint, args)
        return made

    def query(self, user: User) -> dict[str, str]:
        rng = self.rng
        pool = {
            "period": lambda: rng.choice(PERIODS),
            "year": lambda: rng.choice(YEARS),
            "township": lambda: self.township(user),
            "county": lambda: self.county(user),
            "id": lambda: self.entry_id(),
            "as_of": lambda: rng.choice(MOMENTS),
            "format": lambda: rng.choice(("html", "docx", "pdf")),
            "type": lambda: self.type_(),
            "from": lambda: rng.choice(DATES),
            "to": lambda: rng.choice(DATES),
            "state": lambda: rng.choice(("open", "closed", "x")),
            "open": lambda: rng.choice(("true", "false", "2")),
            "cursor": lambda: rng.choice(("0", "10", "-1", "x", "²", "99999999999999999999")),
            "limit": lambda: rng.choice(("1", "200", "201", "0", "x")),
            "figure": lambda: rng.choice(FIGURES),
        }
        chosen: dict[str, str] = {}
        if rng.random() < 0.8:
            chosen["period"] = pool["period"]() if rng.random() < 0.3 else "2024"
        for name in rng.sample(sorted(pool), rng.choice((0, 1, 2, 3))):
            chosen[name] = pool[name]()
        return chosen

    def body(self, made: Request, user: User, endpoint: str, args: dict[str, Any]) -> None:
        rng = self.rng
        township = self.township(user)
        if endpoint == "entries.record":
            made.json_body = self.line(user)
        elif endpoint == "entries.import_file":
            lines = [self.line(user) for _ in range(rng.choice((1, 2, 3)))]
            made.data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
            made.content_type = "application/x-ndjson"
        elif endpoint.startswith("tokens."):
            made.json_body = rng.choice(
                [
                    {"username": user.name, "password": PASSWORD},
                    {"username": unique("nobody"), "password": "wrong password"},
                    {"username": user.name},
                    [],
                ]
            )
        elif endpoint == "reading.set_indicators":
            made.json_body = {"indicators": self.indicators()}
        elif endpoint == "township.record_form":
            type_ = args.get("type_", "")
            fields = {k: _form_value(v) for k, v in GOOD_FIELDS.get(type_, {}).items()}
            made.form = {"id": unique("P"), "occurred_on": rng.choice(DATES[:2]), **fields}
        elif endpoint == "township.follow_up":
            type_ = rng.choice(("dispute_mediated", "issue_rectified", "hotline_case_answered"))
            fields = {k: _form_value(v) for k, v in GOOD_FIELDS[type_].items()}
            made.form = {
                "type": type_,
                "id": self.entry_id(user.township or township),
                "occurred_on": "2024-04-01",
                **fields,
            }
        elif endpoint == "township.retract":
            made.form = {
                "id": self.retracted_id(user, user.township or township),
                "reason": "错了",
            }
        elif endpoint == "township.imports":
            self.upload(made, user)
        elif endpoint in ("township.report_narrative", "township.report_submit"):
            made.form = {"year": rng.choice(YEARS), "problems": "问题", "next_steps": "打算"}
        elif endpoint == "county.answer":
            town = self.world.townships.get(township)
            submission = town.submission if town and rng.random() < 0.7 else self.entry_id()
            made.form = {
                "township": township,
                "submission": submission,
                "answer": rng.choice(("accept", "return")),
                "reason": rng.choice(("", "补充")),
                "year": rng.choice(YEARS),
            }
        elif endpoint == "county.indicators":
            made.form = {}
            for chosen in self.indicators():
                figure = chosen["figure"]
                made.form[f"use:{figure}"] = "1"
                made.form[f"direction:{figure}"] = chosen["direction"]
                made.form[f"weight:{figure}"] = str(chosen["weight"])
        elif endpoint == "accounts.login":
            made.form = {"username": unique("nobody"), "password": "wrong password"}
        elif endpoint == "accounts.password":
            # Never a wrong current password checked: a user locked out would end the run.
            made.form = {
                "current_password": "not it",
                "new_password": "x" * 12,
                "confirm_password": "y" * 12,
            }
        elif endpoint == "accounts.logout":
            made.form = {}
        elif made.api:  # an API route this fuzz does not know yet
            made.json_body = {
                "township": township,
                "county": self.county(user),
                "id": self.entry_id(township),
                **self.line(user),
            }
        else:  # a page's form this fuzz does not know yet
            made.form = {
                "township": township,
                "county": self.county(user),
                "id": self.entry_id(township),
                "year": "2024",
                "period": "2024",
            }

    def indicators(self) -> list[dict[str, Any]]:
        figures = list(rankable_figures())
        chosen = self.rng.sample(figures, self.rng.choice((1, 2)))
        return [
            {
                "figure": f,
                "direction": self.rng.choice(("higher", "lower", "up")),
                "weight": self.rng.choice((1, 2.5, 0, -1, "²")),
            }
            for f in chosen
        ]

    def upload(self, made: Request, user: User) -> None:
        rng = self.rng
        lines = [self.line(user) for _ in range(rng.choice((1, 2, 3)))]
        if rng.random() < 0.5:
            text = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
            made.upload = (text.encode(), "entries.jsonl")
            return
        header = [
            "type",
            "id",
            "occurred_on",
            *sorted({k for x in lines for k in x} - {"township", "type", "id", "occurred_on"}),
        ]
        rows = [header] + [[_cell(x.get(k)) for k in header] for x in lines]
        made._rows = rows  # type: ignore[attr-defined]
        made.upload = (workbook(rows), "entries.xlsx")


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return value
    return str(value)


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return "、".join(map(str, value)) if isinstance(value, list) else json.dumps(value)
    return value
