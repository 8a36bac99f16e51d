"""Helpers for tests: unique codes, and tenants made with them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from html.parser import HTMLParser

from domain.access import Principal, Role
from sample.lines import seed_lines
from services import Services

OPERATOR = Principal.operator()
PASSWORD = "correct horse battery"


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
