"""The auditor's pages: any entry's full history, a township's records in a time window,
figures and the ranking as of a moment beside today's, verification, the audit export and
the county's publications. The auditor reads within their own county; every look is recorded
in the county's audit trail by the services."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import Blueprint, Response, render_template, request, send_file, url_for
from flask_babel import gettext as _

from services.audit_export import verifier, write
from web.accounts import roles
from web.errors import form_page
from web.ledger import principal, services

bp = Blueprint("audit", __name__, url_prefix="/audit")
ROLES = ("auditor",)


def county():
    return services().tenancy.county(principal(), principal().county)


def names() -> dict[str, str]:
    """The county's townships' names by code (and the county's own)."""
    found = county()
    townships = services().tenancy.known_townships(found.townships)  # the county's: seen
    return {found.code: found.name, **{t.code: t.name for t in townships}}


def index_page(failed: str | None = None) -> dict:
    """The audit page's forms; ``failed`` names the one whose refusal is shown."""
    year = services().browsing.latest_year(principal(), county=principal().county)
    published = services().publications.published(principal(), county=principal().county)
    return {
        "county": county(),
        "names": names(),
        "year": year,
        "published": published[::-1],
        "download": "audit.publication",
        "chain_stamps": services().timestamps.chain_heads(principal(), county=principal().county),
        "stamping": services().timestamps.stamping,
        "failed": failed,
        "verifier_sha256": verifier()[1],
        "verifier_name": verifier_name(),
    }


def refusals_beside(form: str) -> None:
    """A refusal of what the auditor asked shows the audit page again, beside the field."""
    form_page("audit/index.html", later=lambda: index_page(form))


@bp.get("/")
@roles(*ROLES)
def index():
    return render_template("audit/index.html", **index_page())


@bp.get("/rights")
@roles(*ROLES)
def rights():
    """Who held which role where in the county at a moment (now unless asked), and every
    change of rights recorded, newest first."""
    here = principal().county
    at = request.args.get("at") or None
    form_page(
        "audit/rights.html",
        later=lambda: {"county": county(), "names": names()},
        people=[],
        changes=[],
    )
    administration = services().administration
    held = administration.held_at(principal(), county=here, moment=at or datetime.now(UTC))
    changes = administration.changes(principal(), county=here)[::-1]
    return render_template(
        "audit/rights.html",
        county=county(),
        names=names(),
        people=held,
        changes=changes,
        at=at,
    )


@bp.get("/entries/<township>/<path:entry_id>")
@roles(*ROLES)
def entry(township: str, entry_id: str):
    found = services().history.entry(principal(), township=township, entry_id=entry_id)
    return render_template("audit/entry.html", entry=found, names=names())


@bp.get("/entry")
@roles(*ROLES)
def find_entry():
    args = request.args
    return entry(args.get("township", ""), args.get("id", ""))


@bp.get("/stream")
@roles(*ROLES)
def stream():
    args = request.args
    township = args.get("township", "")
    refusals_beside("stream")
    asked = {"township": township, "from": args.get("from", ""), "to": args.get("to", "")}
    found = services().history.window(
        principal(),
        township=township,
        since=args.get("from") or None,
        until=args.get("to") or None,
        cursor=args.get("cursor"),
    )
    return render_template(
        "audit/stream.html",
        found=found,
        township=township,
        names=names(),
        args=args,
        pages=pages("audit.stream", {"next_cursor": found["next_cursor"]}, **asked),
    )


@bp.get("/figures")
@roles(*ROLES)
def figures():
    args = request.args
    township, period, as_of = args.get("township", ""), args.get("period", ""), args.get("as_of")
    refusals_beside("figures")
    if as_of:
        beside = services().differences.figures_beside(
            principal(), township=township, period=period, as_of=as_of
        )
    else:
        today = services().figures.figures(principal(), township=township, period=period)
        beside = {"then": None, "today": today, "difference": None}
    place = services().tenancy.township(principal(), beside["today"]["township"])
    return render_template("audit/figures.html", place=place, names=names(), **beside)


@bp.get("/ranking")
@roles(*ROLES)
def ranking():
    args = request.args
    period, as_of = args.get("period", ""), args.get("as_of")
    refusals_beside("ranking")
    if as_of:
        beside = services().differences.ranking_beside(
            principal(), county=principal().county, period=period, as_of=as_of
        )
    else:
        today = services().rankings.ranking(principal(), county=principal().county, period=period)
        beside = {"then": None, "today": today, "difference": None}
    then_rows = {row["township"]: row for row in (beside["then"] or {}).get("townships", [])}
    moved = {row["township"] for row in (beside["difference"] or {}).get("changed", [])}
    return render_template(
        "audit/ranking.html", names=names(), then_rows=then_rows, moved=moved, **beside
    )


@bp.get("/ranking/entries")
@roles(*ROLES)
def ranking_entries():
    """Every entry recorded or retracted since the moment, of the county's townships, that
    counts in the period: the rest of the ranking's difference, a page at a time."""
    args = request.args
    asked = {"period": args.get("period", ""), "as_of": args.get("as_of", "")}
    found = services().differences.entries_since(
        principal(), county=principal().county, cursor=args.get("cursor"), **asked
    )
    back = url_for("audit.ranking", **asked)
    return entries_page(found, asked, pages("audit.ranking_entries", found, **asked), back)


@bp.get("/figures/entries")
@roles(*ROLES)
def figures_entries():
    """The same of one township: the rest of its figures' difference."""
    args = request.args
    asked = {
        "township": args.get("township", ""),
        "period": args.get("period", ""),
        "as_of": args.get("as_of", ""),
    }
    found = services().differences.entries_since(principal(), cursor=args.get("cursor"), **asked)
    back = url_for("audit.figures", **asked)
    return entries_page(found, asked, pages("audit.figures_entries", found, **asked), back)


def entries_page(found: dict, asked: dict, links: dict, back: str):
    caption = _("%(then)s 之后登记或撤回、计入本期间的记录", then=asked["as_of"])
    return render_template(
        "entries_since.html",
        found=found,
        names=names(),
        title=caption,
        caption=caption,
        pages=links,
        back=back,
        link=True,
    )


def pages(endpoint: str, found: dict, **asked) -> dict:
    """The links of a paged list: the next page (None on the last) and, past the first
    page, the first."""
    following = found["next_cursor"]
    return {
        "next": url_for(endpoint, **asked, cursor=following) if following else None,
        "first": url_for(endpoint, **asked) if request.args.get("cursor") else None,
    }


@bp.post("/verification")
@roles(*ROLES)
def verification():
    township = request.form.get("township") or None
    refusals_beside("verification")
    result = services().verifier.verify(principal(), township=township)
    return render_template(
        "audit/verification.html", result=result, township=township, names=names()
    )


@bp.get("/export.jsonl")
@roles(*ROLES)
def export():
    """The audit export of one township, or of the whole county: the same records the
    command line's ``audit-export`` writes, which the verifier this page serves checks."""
    township = request.args.get("township") or None
    exporter = services().audit_export
    townships = exporter.townships(
        principal(), township=township, county=None if township else principal().county
    )
    out = io.BytesIO()
    _, digest = write(exporter.lines(townships), out)
    name = f"{township or principal().county}-audit-export.jsonl"
    return Response(
        out.getvalue(),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": f"attachment; filename={name}", "X-SHA256": digest},
    )


@bp.get("/verify_export.py")
@roles(*ROLES)
def verifier_file():
    """The export's verifier, to run with any Python 3.8 or later, without the product."""
    data, digest = verifier()
    answer = send_file(
        io.BytesIO(data),
        mimetype="text/x-python",
        as_attachment=True,
        download_name=verifier_name(),
    )
    answer.headers["X-SHA256"] = digest
    return answer


def verifier_name() -> str:
    """The verifier's file name in the page's language (the same file in either)."""
    return _("核验程序.py")


@bp.get("/publications/<publication_id>.json")
@roles(*ROLES)
def publication(publication_id: str):
    data = services().publications.publication(principal(), publication_id=publication_id)
    return publication_file(publication_id, data)


def publication_file(publication_id: str, data: bytes) -> Response:
    """A publication's bytes as they were published, to keep or to check."""
    return Response(
        data,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=publication-{publication_id}.json"},
    )
