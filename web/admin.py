"""The administrator's pages: the installation's counties (add, rename, suspend, reinstate)
and each county's officers (added with a one-time password, shown once). The records inside
a township are not theirs; a county's people are its officers' (web/people.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.accounts import roles
from web.errors import form_page
from web.ledger import principal, services

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles("admin")
def index():
    return render_template("admin/index.html", **index_page())


def index_page() -> dict:
    return {"counties": services().tenancy.counties(principal())}


@bp.post("/counties")
@roles("admin")
def add_county():
    form_page("admin/index.html", **index_page())
    view = services().administration.add_county(
        principal(), code=request.form.get("code", ""), name=request.form.get("name", "")
    )
    flash(_("已新建县：%(name)s", name=view.name))
    return redirect(url_for("admin.county", code=view.code))


def county_page(code: str) -> dict:
    administration = services().administration
    return {
        "county": administration.county(principal(), county=code),
        "people": administration.users(principal(), county=code),
        "townships": administration.townships(principal(), county=code),
    }


@bp.get("/counties/<code>")
@roles("admin")
def county(code: str):
    return render_template("admin/county.html", **county_page(code))


@bp.post("/counties/<code>/name")
@roles("admin")
def rename_county(code: str):
    form_page("admin/county.html", form="rename", **county_page(code))
    services().administration.rename_county(
        principal(), county=code, name=request.form.get("name", "")
    )
    flash(_("县名已修改"))
    return redirect(url_for("admin.county", code=code))


@bp.post("/counties/<code>/suspend")
@roles("admin")
def suspend_county(code: str):
    services().administration.suspend_county(principal(), county=code)
    flash(_("已暂停该县：其人员不能再登录，记录保留"))
    return redirect(url_for("admin.county", code=code))


@bp.post("/counties/<code>/reinstate")
@roles("admin")
def reinstate_county(code: str):
    services().administration.reinstate_county(principal(), county=code)
    flash(_("已恢复该县"))
    return redirect(url_for("admin.county", code=code))


@bp.post("/counties/<code>/officers")
@roles("admin")
def add_officer(code: str):
    form_page("admin/county.html", form="officer", **county_page(code))
    issued = services().administration.add_user(
        principal(),
        username=request.form.get("username", ""),
        role="county_officer",
        county=code,
    )
    # Shown on this answer only (never in a cookie): the ledger keeps only its hash.
    return render_template("admin/county.html", issued=issued, **county_page(code))
