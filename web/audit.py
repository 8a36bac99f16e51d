"""The auditor's pages: any entry's full history, figures and the ranking as of a moment.
The auditor reads within their own county."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from web.accounts import roles
from web.ledger import principal, services

bp = Blueprint("audit", __name__, url_prefix="/audit")
ROLES = ("auditor",)


def county():
    return services().tenancy.county(principal(), principal().county)


@bp.get("/")
@roles(*ROLES)
def index():
    year = services().browsing.latest_year(principal(), county=principal().county)
    return render_template("audit/index.html", county=county(), year=year)


@bp.get("/entries/<township>/<path:entry_id>")
@roles(*ROLES)
def entry(township: str, entry_id: str):
    found = services().history.entry(principal(), township=township, entry_id=entry_id)
    return render_template("audit/entry.html", entry=found)


@bp.get("/entry")
@roles(*ROLES)
def find_entry():
    args = request.args
    return entry(args.get("township", ""), args.get("id", ""))


@bp.get("/figures")
@roles(*ROLES)
def figures():
    args = request.args
    doc = services().figures.figures(
        principal(),
        township=args.get("township", ""),
        period=args.get("period", ""),
        as_of=args.get("as_of") or None,
    )
    place = services().tenancy.township(principal(), doc["township"])
    return render_template("audit/figures.html", figures=doc, place=place)


@bp.get("/ranking")
@roles(*ROLES)
def ranking():
    args = request.args
    doc = services().rankings.ranking(
        principal(),
        county=principal().county,
        period=args.get("period", ""),
        as_of=args.get("as_of") or None,
    )
    return render_template("audit/ranking.html", ranking=doc)
