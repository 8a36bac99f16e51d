"""The county office's side of audit: publishing the ranking of a period, the county's
publications (each downloadable as its exact bytes), and who looked at what (the auditors'
trail). Its routes join the county blueprint."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.accounts import roles
from web.audit import pages, publication_file
from web.county import ROLES, bp, chosen_period, here
from web.errors import form_page
from web.ledger import principal, services


def township_names() -> dict[str, str]:
    county = services().tenancy.county(principal(), here())
    tenancy = services().tenancy
    return {
        county.code: county.name,
        **{code: tenancy.township(principal(), code).name for code in county.townships},
    }


def publications_page() -> dict:
    published = services().publications.published(principal(), county=here())
    shown = request.args.get("published")
    return {
        "county": services().tenancy.county(principal(), here()),
        "published": published[::-1],
        "receipt": next((p for p in published if p["id"] == shown), None),
        "names": township_names(),
        "period": chosen_period(),
        "download": "county.publication",
    }


@bp.get("/publications")
@roles(*ROLES)
def publications():
    return render_template("county/publications.html", **publications_page())


@bp.post("/publications")
@roles(*ROLES)
def publish():
    form_page("county/publications.html", **publications_page())
    receipt = services().publications.publish_ranking(
        principal(), county=here(), period=request.form.get("period", "")
    )
    return redirect(url_for("county.publications", published=receipt.id))


@bp.get("/publications/<publication_id>.json")
@roles(*ROLES)
def publication(publication_id: str):
    data = services().publications.publication(principal(), publication_id=publication_id)
    return publication_file(publication_id, data)


@bp.get("/publications/<publication_id>/entries")
@roles(*ROLES)
def entries_since(publication_id: str):
    """Every entry recorded or retracted since a publication that counts in its period, a
    page at a time: the rest of the restatement notice's entries."""
    cursor = request.args.get("cursor")
    found = services().publications.entries_since(
        principal(), publication_id=publication_id, cursor=cursor
    )
    return render_template(
        "entries_since.html",
        found=found,
        names=township_names(),
        title=_("%(when)s 发布之后登记或撤回的记录", when=found["published_at"]),
        caption=_("发布之后登记或撤回、计入本期间的记录"),
        pages=pages("county.entries_since", found, publication_id=publication_id),
        back=url_for("county.ranking", period=found["period"]),
    )


@bp.get("/trail")
@roles(*ROLES)
def trail():
    found = services().trail.page(principal(), county=here(), page=request.args.get("page", 1))
    return render_template("county/trail.html", names=township_names(), **found)
