"""Load the demo county into a ledger: its townships, a user per role, and a year of entries."""

from __future__ import annotations

import json
from contextlib import suppress

from domain.access import Principal
from domain.errors import AlreadyExists
from sample.lines import DEMO_COUNTY, DEMO_TOWNSHIPS, demo_lines
from services import Services

DEMO_YEAR = 2024
# Demo users, all with the password DEMO_PASSWORD: a sample installation, never production.
DEMO_PASSWORD = "demo-password"
DEMO_USERS = (
    ("clerk", "clerk", {"township": "gongliu"}),
    ("head", "head", {"township": "gongliu"}),
    ("officer", "county_officer", {"county": DEMO_COUNTY[0]}),
    ("auditor", "auditor", {"county": DEMO_COUNTY[0]}),
    ("admin", "admin", {}),
)


def load_demo(services: Services, principal: Principal) -> list[str]:
    """Create the demo county (again: what exists is kept) and return a summary, a line each."""
    tenancy = services.tenancy
    _ignore_existing(tenancy.add_county, principal, code=DEMO_COUNTY[0], name=DEMO_COUNTY[1])
    for code, name in DEMO_TOWNSHIPS:
        _ignore_existing(
            tenancy.add_township, principal, county=DEMO_COUNTY[0], code=code, name=name
        )
    for username, role, scope in DEMO_USERS:
        _ignore_existing(
            tenancy.add_user,
            principal,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            **scope,
        )
    lines = demo_lines(DEMO_YEAR)
    result = services.interchange.import_lines(
        principal, (json.dumps(line, ensure_ascii=False) for line in lines)
    )
    summary = [
        f"county {DEMO_COUNTY[0]} {DEMO_COUNTY[1]}: {len(DEMO_TOWNSHIPS)} townships, "
        f"{result.recorded} events recorded now, {result.repeats} already there",
        f"users (password {DEMO_PASSWORD!r}): " + ", ".join(u for u, _, _ in DEMO_USERS),
    ]
    ranking = services.rankings.ranking(principal, county=DEMO_COUNTY[0], period=str(DEMO_YEAR))
    weights = ", ".join(f"{w['figure']} ×{w['weight']}" for w in ranking["weights"])
    summary.append(f"{DEMO_YEAR} ranking, by {weights}:")
    for row in ranking["townships"]:
        figures = services.figures.figures(
            principal, township=row["township"], period=str(DEMO_YEAR)
        )
        disputes, issues = figures["disputes"], figures["issues"]
        summary.append(
            f"  {row['rank']}. {row['township']} {row['name']} {row['score']:.2f}: "
            f"disputes {disputes['registered']} registered, {disputes['resolved']} resolved; "
            f"issues {issues['found']} found, {issues['rectified']} rectified; "
            f"hotline {figures['hotline']['received']} received, "
            f"{figures['hotline']['answered']} answered"
        )
    summary.append(
        "next: township-ledger report --township gongliu --year 2024 --format docx -o report.docx"
    )
    return summary


def _ignore_existing(command, *args, **kwargs) -> None:
    with suppress(AlreadyExists):
        command(*args, **kwargs)


def demo_logins(url: str) -> list[str]:
    """Where to log in to the demo, and as whom."""
    lines = [f"log in at {url}/login with the password {DEMO_PASSWORD!r} as:"]
    for username, role, scope in DEMO_USERS:
        where = scope.get("township") or scope.get("county") or "the installation"
        lines.append(f"  {username:<8} {role} ({where})")
    return lines
