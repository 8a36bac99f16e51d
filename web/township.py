"""The township's pages: its figures, its entries, recording, importing, its annual report.
The township is always the signed-in user's own."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from domain.errors import InvalidField
from projections.periods import Period
from services.catalogue import TOWNSHIP_CREATIONS, fields_of, follow_ups_of, head_only, today
from web import trends
from web.accounts import roles
from web.errors import form_page
from web.forms import fields_from, suggested_id, whole_number
from web.labels import TYPES, label
from web.ledger import principal, services, wrote
from web.when import period as period_label

bp = Blueprint("township", __name__, url_prefix="/township")
ROLES = ("clerk", "head")


def here() -> str:
    return principal().township


def record(type_: str, entry_id: str, occurred_on: str, fields: dict):
    result = services().entries.record(
        principal(),
        township=here(),
        type=type_,
        entry_id=entry_id,
        occurred_on=occurred_on,
        fields=fields,
    )
    wrote(result.position)
    return result


def done(result, verb: str | None = None) -> None:
    """Say what a recording did, on the next page: recorded, or a repeat of what was."""
    if result.status == "repeat":
        flash(_("%(id)s 此前已这样登记，未重复记录。", id=result.entry_id))
    else:
        flash(
            verb or _("已登记“%(type)s” %(id)s", type=label(TYPES, result.type), id=result.entry_id)
        )


def entry_page(found) -> dict:
    """An entry's history and the forms of what it takes now (no mediation of a resolved
    dispute, nothing on a retracted entry)."""
    follow_ups = [
        (t, fields_of(t)) for t in follow_ups_of(found.type) if t in found.open_follow_ups
    ]
    return {
        "entry": found,
        "follow_ups": follow_ups,
        "retractable": found.retractable and "entry_retracted" in found.open_follow_ups,
        "today": today().isoformat(),
    }


def dashboard_page(period: str | None) -> dict:
    """The township's overview of ``period`` (the latest year with data when None): its
    figures, open issues, flags, the next report due and the quarters of its year (each
    submitted or not, on time or late; the head submits one here)."""
    page = services().overviews.township_dashboard(principal(), township=here(), period=period)
    return {
        "figures": page.figures,
        "period": page.period,
        "issues": page.open_issues,
        "place": page.place,
        "due": page.due,
        "flags": page.flags,
        "quarters": page.quarters,
        "head": principal().role.value == "head",
    }


@bp.get("/")
@roles(*ROLES)
def dashboard():
    page = dashboard_page(request.args.get("period") or None)
    return render_template("township/dashboard.html", **page)


@bp.post("/quarter/submit")
@roles("head")
def quarter_submit():
    """The head submits a quarter's record (报送季度台账) from the dashboard."""
    year, quarter = request.form.get("year", ""), request.form.get("quarter", "")
    form_page("township/dashboard.html", form="quarter", **dashboard_page(_year_or_none(year)))
    submitted = services().reports.submit_quarter(
        principal(), township=here(), year=whole_number(year), quarter=whole_number(quarter)
    )
    wrote(submitted.position)
    flash(_("已报送 %(period)s台账", period=period_label(f"{year}-Q{quarter}")))
    return redirect(url_for("township.dashboard", period=year))


def _year_or_none(text: str) -> str | None:
    """The year typed when it is one the pages show (else the latest: the ledger then names
    the field refused)."""
    try:
        return text if Period.parse(text).key == text and text.isdigit() else None
    except InvalidField:
        return None


@bp.get("/trends")
@roles(*ROLES)
def trends_page():
    """The township's own figures over quarters and years (the county's breakdown page shows
    the same to the county)."""
    first, last = trends.asked()
    shown = services().overviews.township_trends(
        principal(), township=here(), first=first, last=last
    )
    return render_template(
        "township/trends.html",
        trends=shown.trends,
        chart_src=url_for("township.trends_chart", **{"from": shown.first, "to": shown.last}),
        years_action=url_for("township.trends_page"),
    )


@bp.get("/charts/trends.json")
@roles(*ROLES)
def trends_chart():
    first, last = trends.asked()
    shown = services().overviews.township_trends(
        principal(), township=here(), first=first, last=last
    )
    return jsonify(trends.chart(shown.trends))


@bp.get("/entries")
@roles(*ROLES)
def entries():
    args = request.args
    state = args.get("state", "")
    page = services().browsing.entries(
        principal(),
        township=here(),
        type=args.get("type") or None,
        since=args.get("from") or None,
        until=args.get("to") or None,
        open={"open": True, "closed": False}.get(state),
        cursor=args.get("cursor") or None,
    )
    return render_template("township/entries.html", page=page, types=TOWNSHIP_CREATIONS)


@bp.get("/entry")  # ?id=: what the pages link to, whatever characters an old id holds
@bp.get("/entries/<path:entry_id>")  # links of before
@roles(*ROLES)
def entry(entry_id: str | None = None):
    if entry_id is None:
        entry_id = request.args.get("id", "")
    found = services().entries.entry(principal(), township=here(), entry_id=entry_id)
    return render_template("township/entry.html", **entry_page(found))


@bp.get("/record")
@roles(*ROLES)
def choose():
    allowed = [t for t in TOWNSHIP_CREATIONS if not head_only(t) or principal().role == "head"]
    return render_template("township/choose.html", types=allowed)


@bp.route("/record/<type_>", methods=["GET", "POST"])
@roles(*ROLES)
def record_form(type_: str):
    if type_ not in TOWNSHIP_CREATIONS:
        abort(404)
    context = {"type_": type_, "fields": fields_of(type_)}
    if request.method == "GET":
        day = today()
        values = {"id": suggested_id(type_, day), "occurred_on": day.isoformat()}
        return render_template("township/record.html", values=values, **context)
    form_page("township/record.html", **context)
    form = request.form
    result = record(
        type_, form.get("id", ""), form.get("occurred_on", ""), fields_from(type_, form)
    )
    done(result)
    return redirect(url_for("township.entry", id=result.entry_id))


@bp.post("/follow-up")
@roles(*ROLES)
def follow_up():
    form = request.form
    type_, entry_id = form.get("type", ""), form.get("id", "")
    found = services().entries.entry(principal(), township=here(), entry_id=entry_id)
    form_page("township/entry.html", form=type_, **entry_page(found))
    fields = fields_from(type_, form) if type_ in follow_ups_of(found.type) else {}
    done(record(type_, entry_id, form.get("occurred_on", ""), fields))
    return redirect(url_for("township.entry", id=entry_id))


@bp.post("/retract")
@roles(*ROLES)
def retract():
    form = request.form
    entry_id = form.get("id", "")
    found = services().entries.entry(principal(), township=here(), entry_id=entry_id)
    form_page("township/entry.html", form="entry_retracted", **entry_page(found))
    result = record(
        "entry_retracted",
        entry_id,
        form.get("occurred_on") or today().isoformat(),
        {"reason": form.get("reason", "").strip() or None},
    )
    done(result, _("已撤回 %(id)s", id=entry_id))
    return redirect(url_for("township.entry", id=entry_id))
