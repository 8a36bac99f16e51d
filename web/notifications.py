"""The signed-in user's notifications: what needs their attention (services/notifications.py),
newest first, unread ones marked; marking them read. Its routes join the accounts blueprint."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import login_required

from web.accounts import bp
from web.errors import form_page
from web.ledger import principal, services


@bp.get("/notifications")
@login_required
def notifications():
    notices = services().notifications.notices(principal())
    return render_template("notifications.html", notices=notices, **_shown(notices))


def _shown(notices) -> dict:
    """What the notices' sentences name: the townships' names, and whose page a flag's link
    opens (the county officer's ranking, or the township's own dashboard)."""
    codes = {n.params["township"] for n in notices if n.kind == "quality_flag"}
    tenancy = services().tenancy
    names = {code: tenancy.township(principal(), code).name for code in codes}
    return {"names": names, "officer": principal().role.value == "county_officer"}


@bp.post("/notifications/read")
@login_required
def notifications_read():
    notices = services().notifications.notices(principal())
    form_page("notifications.html", notices=notices, **_shown(notices))
    keys = request.form.getlist("key") or None
    services().notifications.mark_read(principal(), keys=keys)
    return redirect(url_for("accounts.notifications"))
