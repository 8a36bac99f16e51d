"""The county office's reports: each township's annual report of a year, where it stands,
the report as submitted (read before answering: preview and DOCX), and the answer (accept,
or return with a reason). Its routes join the county blueprint."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.catalogue import today
from web import report_files
from web.accounts import roles
from web.county import ROLES, bp, here
from web.errors import form_page
from web.ledger import principal, services, wrote


def reports_page(period: str | None) -> dict:
    """The county's townships' reports of ``period``'s year (the latest with data: None)."""
    page = services().overviews.county_reports(principal(), county=here(), period=period)
    rows = [(place, status.document()) for place, status in page.rows]
    return {"rows": rows, "year": page.year, "published": page.published, "timing": page.timing}


def reading_page(code: str, year) -> dict:
    """A township's report of ``year`` as submitted, and its answer forms while it waits."""
    page = services().overviews.report_reading(principal(), township=code, year=year)
    return {"place": page.place, "year": year, "status": page.status.document()}


@bp.get("/reports")
@roles(*ROLES)
def reports():
    return render_template(
        "county/reports.html", **reports_page(request.args.get("period") or None)
    )


@bp.get("/reports/<code>/<int:year>")
@roles(*ROLES)
def report(code: str, year: int):
    return render_template("county/report.html", **reading_page(code, year))


@bp.get("/reports/<code>/<int:year>/preview")
@roles(*ROLES)
def report_preview(code: str, year: int):
    document = services().reports.submitted(principal(), township=code, year=year)
    return report_files.preview(document)


@bp.get("/reports/<code>/<int:year>.docx")
@roles(*ROLES)
def report_docx(code: str, year: int):
    document = services().reports.submitted(principal(), township=code, year=year)
    return report_files.docx(document, f"{document.township}-{year}")


@bp.post("/reports/answer")
@roles(*ROLES)
def answer():
    form = request.form
    code, year = form.get("township", ""), form.get("year", "")
    accept = form.get("answer") == "accept"
    page = reading_page(code, year)
    form_page("county/report.html", form="accept" if accept else "return", **page)
    fields = {} if accept else {"reason": form.get("reason", "").strip() or None}
    result = services().entries.record(
        principal(),
        township=code,
        type="report_accepted" if accept else "report_returned",
        entry_id=form.get("submission", ""),
        occurred_on=today().isoformat(),
        fields=fields,
    )
    wrote(result.position)
    name = page["place"].name
    if accept:
        flash(_("已采纳%(township)s %(year)s 年度报告，并已发布", township=name, year=year))
    else:
        flash(_("已退回%(township)s %(year)s 年度报告", township=name, year=year))
    return redirect(url_for("county.reports", period=year))
