"""Helpers for tests: unique codes, and tenants made with them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

from domain import values
from domain.access import Principal, Role
from sample.lines import seed_lines
from services import Services

OPERATOR = Principal.operator()
PASSWORD = "correct horse battery"
# The route sweeps' callers (pages and API): each role, and the same roles elsewhere.
ROLES = (
    "anonymous",
    "clerk",
    "head",
    "county_officer",
    "auditor",
    "admin",
    "neighbour_clerk",  # a clerk of another township of the same county
    "far_officer",  # an officer of another county
    "far_auditor",  # an auditor of another county
)
# DOMAIN.md's five rates, as the contract names them (written out, not taken from the code).
RATES = (
    "legality_review_coverage",
    "rectification",
    "on_time_rectification",
    "mediation_success",
    "hotline_answer",
)


def line(township: str, type_: str, entry_id: str, occurred_on: str, **fields: object) -> dict:
    """One interchange line."""
    return {"township": township, "type": type_, "id": entry_id, "occurred_on": occurred_on,
            **fields}  # fmt: skip


def dispute(town: str, entry_id: str, day: str, *, resolved: bool | None) -> list[dict]:
    """A dispute's lines: registered, then mediated (resolved or failed) unless ``None``."""
    lines = [line(town, "dispute_registered", entry_id, day, source="screening", category="邻里")]
    if resolved is not None:
        outcome = "resolved" if resolved else "failed"
        lines.append(
            line(town, "dispute_mediated", entry_id, day, outcome=outcome, mediator="volunteer")
        )
    return lines


def record_dispute(services: Services, township: str, entry_id: str) -> None:
    """One dispute recorded by a command, as the operator."""
    services.entries.record(
        OPERATOR,
        township=township,
        type="dispute_registered",
        entry_id=entry_id,
        occurred_on="2024-03-01",
        fields={"source": "screening", "category": "邻里"},
    )


def assert_restated(notice: dict, publication: str, first: str, second: str) -> None:
    """The restatement of a ranking published with ``first`` ranked 1 and ``second`` 2, after
    ``second``'s D-2 was mediated and ``first``'s D-1 retracted: they swapped, and why."""
    assert notice["publication"] == publication
    assert {(c["township"], c["published_rank"], c["rank"]) for c in notice["changed"]} == {
        (first, 1, 2),
        (second, 2, 1),
    }
    named = {(e["township"], e["entry_id"], e["type"], e["why"]) for e in notice["entries"]}
    assert named == {
        (second, "D-2", "dispute_mediated", "recorded after the publication"),
        (first, "D-1", "entry_retracted", "retracted after the publication"),
    }


def seed_year(township: str) -> list[dict]:
    """The seed township's 2024 (the same lines every run), for the township ``township``."""
    return [{**line, "township": township} for line in seed_lines()]


def alone(lines: list[dict]) -> list[int]:
    """Indexes of the interchange lines that no later line follows or names (an issue names
    its inspection): each of them can be spoilt without spoiling another line."""
    last: dict[str, int] = {}
    for n, line in enumerate(lines):
        last[line["id"]] = n
        if line.get("inspection"):
            last[line["inspection"]] = n
    return [n for n, line in enumerate(lines) if last[line["id"]] == n]


@contextmanager
def before_safe_ids() -> Iterator[None]:
    """``with before_safe_ids():`` records as the ledger did before new entry ids were limited
    to a safe set (``values.new_entry_id``): for the entries such a ledger holds."""
    checked = values.new_entry_id
    values.new_entry_id = values.entry_id
    try:
        yield
    finally:
        values.new_entry_id = checked


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Place:
    """A fresh township in a fresh county, with a principal for each role around it."""

    county: str
    township: str

    def clerk(self, name: str = "clerk") -> Principal:
        return Principal(unique(name), Role.CLERK, township=self.township)

    def head(self) -> Principal:
        return Principal(unique("head"), Role.HEAD, township=self.township)

    def officer(self) -> Principal:
        return Principal(unique("officer"), Role.COUNTY_OFFICER, county=self.county)

    def auditor(self) -> Principal:
        return Principal(unique("auditor"), Role.AUDITOR, county=self.county)


class Tenants:
    """Makes counties and townships with unique codes, as the operator."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def county(self) -> str:
        code = unique("county")
        self.services.tenancy.add_county(OPERATOR, code=code, name=f"{code} 县")
        return code

    def township(self, county: str | None = None) -> str:
        county = county or self.county()
        code = unique("town")
        self.services.tenancy.add_township(OPERATOR, county=county, code=code, name=f"{code} 镇")
        return code

    def place(self, county: str | None = None) -> Place:
        county = county or self.county()
        return Place(county, self.township(county))


class FigureSpans(HTMLParser):
    """The text of every ``<span data-figure="…">`` of a report page, by figure name."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, set[str]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag, attrs):
        self._open = dict(attrs).get("data-figure") if tag == "span" else None

    def handle_data(self, data):
        if self._open:
            self.found.setdefault(self._open, set()).add(data)
            self._open = None
