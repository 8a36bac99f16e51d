"""The township's files: bulk import (interchange lines or an Excel workbook) and the annual
report (preview, the head's narratives, DOCX, submission and the county's answer)."""

from __future__ import annotations

import io

from flask import Response, redirect, render_template, request, url_for

from documents.report_docx import render_docx
from documents.report_html import render_html
from domain.values import today
from services.catalogue import fields_of
from services.jsonl import file_lines
from web import workbooks
from web.accounts import roles
from web.errors import form_page
from web.forms import WHOLE_NUMBER, fields_from, form_values
from web.ledger import principal, services, wrote
from web.township import ROLES, bp, default_year, here, record

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The report preview is a document of its own (its styles inline, no script at all), shown
# in a frame of the report page.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


@bp.route("/import", methods=["GET", "POST"])
@roles(*ROLES)
def imports():
    if request.method == "GET":
        return render_template("township/import.html")
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    excel = name.endswith(".xlsx")
    form_page("township/import.html", row_offset=1 if excel else 0)
    data = upload.read() if upload else b""
    # An interchange file's bytes go to the ledger as the command line's do: it names a file
    # that is not UTF-8 (GBK), and splits lines at "\n" only (U+2028 may sit in a text).
    lines = workbooks.lines_from(data, here()) if excel else file_lines(io.BytesIO(data))
    result = services().interchange.import_lines(principal(), lines)
    wrote(services().read_model.recorded_position())
    return render_template("township/import.html", result=result)


@bp.get("/import/template.xlsx")
@roles(*ROLES)
def import_template():
    return Response(
        workbooks.template(),
        mimetype=workbooks.XLSX,
        headers={"Content-Disposition": "attachment; filename=entries-template.xlsx"},
    )


@bp.get("/report")
@roles(*ROLES)
def report():
    year = request.args.get("year") or default_year()[:4]
    figures = services().figures.figures(principal(), township=here(), period=year)
    document = services().reports.report(principal(), township=here(), year=int(year))
    written = {}
    if principal().role.value == "head":  # the head's form holds what was saved before
        written = services().reports.narrative(principal(), township=here(), year=int(year))
    return render_template(
        "township/report.html",
        year=int(year),
        status=figures["report"],
        document=document,
        narrative_fields=fields_of("report_narrative"),
        values=form_values(written),
    )


@bp.get("/report/<int:year>/preview")
@roles(*ROLES)
def report_preview(year: int):
    document = services().reports.report(principal(), township=here(), year=year)
    response = Response(render_html(document), mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/report/<int:year>.docx")
@roles(*ROLES)
def report_docx(year: int):
    document = services().reports.report(principal(), township=here(), year=year)
    return Response(
        render_docx(document),
        mimetype=DOCX,
        headers={"Content-Disposition": f"attachment; filename={here()}-{year}.docx"},
    )


@bp.post("/report/narrative")
@roles("head")
def report_narrative():
    form = request.form
    year = form.get("year", "")
    form_page(
        "township/report_form.html", year=year, narrative_fields=fields_of("report_narrative")
    )
    fields = fields_from("report_narrative", form)
    entry_id = f"RN-{year}-{today().isoformat()}-{_serial()}"
    record("report_narrative", entry_id, today().isoformat(), fields)
    return redirect(url_for("township.report", year=year))


@bp.post("/report/submit")
@roles("head")
def report_submit():
    year = request.form.get("year", "")
    form_page(
        "township/report_form.html", year=year, narrative_fields=fields_of("report_narrative")
    )
    fields = {"year": int(year) if WHOLE_NUMBER.fullmatch(year) else year}
    record("report_submitted", f"RS-{year}-{_serial()}", today().isoformat(), fields)
    return redirect(url_for("township.report", year=year))


def _serial() -> str:
    import secrets

    return secrets.token_hex(3).upper()
