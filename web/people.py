"""The county officer's administration of their own county: its townships (add, rename) and
its people (add a clerk, head or auditor with a one-time password, change role or township,
disable, enable, reset the password). Its routes join the county blueprint; another county's
township or user is "not found" (services/administration.py)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web import workbooks
from web.accounts import roles
from web.county import ROLES, bp, here
from web.errors import form_page
from web.ledger import principal, services
from web.workbooks import onboarding

GRANTED = ("clerk", "head", "auditor")  # the roles a county officer gives


def people_page() -> dict:
    administration = services().administration
    townships = administration.townships(principal(), county=here())
    return {
        "county": administration.county(principal(), county=here()),
        "people": administration.users(principal(), county=here()),
        "townships": townships,
        "names": {t.code: t.name for t in townships},
        "granted": GRANTED,
        "me_name": principal().username,
    }


def place_of(role: str) -> dict:
    """The place a role given on the form belongs to: a township, or the officer's county."""
    if role == "auditor":
        return {"county": here()}
    return {"township": request.form.get("township") or None}


@bp.get("/people")
@roles(*ROLES)
def people():
    return render_template("county/people.html", **people_page())


@bp.post("/people")
@roles(*ROLES)
def add_person():
    form_page("county/people.html", form="add", **people_page())
    role = request.form.get("role", "")
    issued = services().administration.add_user(
        principal(), username=request.form.get("username", ""), role=role, **place_of(role)
    )
    return render_template("county/people.html", issued=issued, **people_page())


@bp.post("/people/<username>/role")
@roles(*ROLES)
def change_role(username: str):
    form_page("county/people.html", form=f"role:{username}", **people_page())
    role = request.form.get("role", "")
    services().administration.change_role(
        principal(), username=username, role=role, **place_of(role)
    )
    flash(_("已修改 %(username)s 的角色或乡镇", username=username))
    return redirect(url_for("county.people"))


@bp.post("/people/<username>/disable")
@roles(*ROLES)
def disable(username: str):
    services().administration.disable(principal(), username=username)
    flash(_("已停用 %(username)s：其登录和接口令牌随即失效", username=username))
    return redirect(url_for("county.people"))


@bp.post("/people/<username>/enable")
@roles(*ROLES)
def enable(username: str):
    services().administration.enable(principal(), username=username)
    flash(_("已启用 %(username)s", username=username))
    return redirect(url_for("county.people"))


@bp.post("/people/<username>/password-reset")
@roles(*ROLES)
def reset_password(username: str):
    issued = services().administration.reset_password(principal(), username=username)
    return render_template("county/people.html", issued=issued, **people_page())


def townships_page() -> dict:
    administration = services().administration
    return {
        "county": administration.county(principal(), county=here()),
        "townships": administration.townships(principal(), county=here()),
    }


@bp.get("/places")
@roles(*ROLES)
def places():
    return render_template("county/places.html", **townships_page())


@bp.post("/places")
@roles(*ROLES)
def add_place():
    form_page("county/places.html", form="add", **townships_page())
    view = services().administration.add_township(
        principal(),
        county=here(),
        code=request.form.get("code", ""),
        name=request.form.get("name", ""),
    )
    flash(_("已新建乡镇：%(name)s", name=view.name))
    return redirect(url_for("county.places"))


@bp.post("/places/<code>/name")
@roles(*ROLES)
def rename_place(code: str):
    form_page("county/places.html", form=f"rename:{code}", **townships_page())
    view = services().administration.rename_township(
        principal(), township=code, name=request.form.get("name", "")
    )
    flash(_("乡镇名称已改为：%(name)s", name=view.name))
    return redirect(url_for("county.places"))


def onboarding_page() -> dict:
    return {
        "county": services().administration.county(principal(), county=here()),
        "sheets": onboarding.SHEET_LABELS,
        "columns": onboarding.COLUMN_LABELS,
    }


@bp.route("/onboarding", methods=["GET", "POST"])
@roles(*ROLES)
def onboarding_upload():
    """Townships and people from a workbook: every row, or none (each bad row named)."""
    if request.method == "GET":
        return render_template("county/onboarding.html", **onboarding_page())
    form_page("county/onboarding.html", **onboarding_page())
    upload = request.files.get("file")
    townships, people = onboarding.rows_from(upload.read() if upload else b"")
    issued = services().administration.onboard(
        principal(), county=here(), townships=townships, users=people
    )
    return render_template(
        "county/onboarding.html", issued=issued, made=len(townships), **onboarding_page()
    )


@bp.get("/onboarding/template.xlsx")
@roles(*ROLES)
def onboarding_template():
    return Response(
        onboarding.template(),
        mimetype=workbooks.XLSX,
        headers={"Content-Disposition": "attachment; filename=onboarding-template.xlsx"},
    )
