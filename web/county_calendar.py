"""The county office's reporting calendar: each year's and quarter's due day and grace days
(set one period at a time), and who submitted a period's report (a year's report, a quarter's
record), when, and whether on time; each township's record over the periods. Its routes join
the county blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.accounts import roles
from web.county import ROLES, bp, here
from web.errors import form_page
from web.ledger import principal, services
from web.when import period as period_label


def calendar_page() -> dict:
    calendar = services().calendar
    return {
        "county": services().tenancy.county(principal(), here()),
        "deadlines": calendar.deadlines(principal(), county=here()),
    }


@bp.route("/calendar", methods=["GET", "POST"])
@roles(*ROLES)
def calendar():
    page = calendar_page()
    if request.method == "GET":
        return render_template("county/calendar.html", **page)
    form_page("county/calendar.html", **page)
    form = request.form
    deadline = {
        "period": form.get("period", "").strip(),
        "due": form.get("due", "").strip(),
        "grace_days": _whole(form.get("grace_days", "")),
    }
    services().calendar.set_deadlines(principal(), county=here(), deadlines=[deadline])
    flash(_("已保存%(period)s的报送期限", period=period_label(deadline["period"])))
    return redirect(url_for("county.calendar"))


@bp.get("/completeness")
@roles(*ROLES)
def completeness():
    given = request.args.get("period")
    page = services().overviews.county_completeness(
        principal(), county=here(), period=_calendar_period(given) if given else None
    )
    return render_template(
        "county/completeness.html",
        county=page.county,
        names=page.names,
        year=page.period,
        doc=page.completeness,
        record=page.record,
    )


def _calendar_period(given: str) -> str:
    """The period asked about: a year or a quarter as given (the ledger names a bad one); a
    month's year (completeness is kept per year or quarter)."""
    return given[:4] if len(given) == 7 and given[4] == "-" and given[5:].isdigit() else given


def _whole(text: str):
    """Grace days as typed: a whole number when it reads as one (else the ledger names the
    field); none typed is none."""
    cleaned = text.strip()
    if not cleaned:
        return 0
    return int(cleaned) if cleaned.isascii() and cleaned.isdigit() else cleaned
