"""The township's files: bulk import (interchange lines or an Excel workbook) and the annual
report (preview, the head's narratives, DOCX, submission and the county's answer)."""

from __future__ import annotations

import io

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.catalogue import fields_of
from services.jsonl import file_lines
from web import report_files, workbooks
from web.accounts import roles
from web.errors import form_page
from web.forms import fields_from, form_values, whole_number
from web.ledger import principal, services, wrote
from web.township import ROLES, bp, here


@bp.route("/import", methods=["GET", "POST"])
@roles(*ROLES)
def imports():
    if request.method == "GET":
        return render_template("township/import.html")
    upload = request.files.get("file")
    name = (upload.filename or "").lower() if upload else ""
    data = upload.read() if upload else b""
    bundle = name.endswith(".zip") or workbooks.is_zip(data)
    excel = bundle or name.endswith(".xlsx")
    form_page("township/import.html", row_offset=1 if excel else 0)
    if bundle:  # a workbook and the files its rows name
        result = workbooks.import_bundle(services(), principal(), data, here())
    else:
        # An interchange file's bytes go to the ledger as the command line's do: it names a
        # file that is not UTF-8 (GBK), and splits lines at "\n" only (U+2028 may sit in a text).
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


def report_page(given: str) -> dict:
    """The year's report page: where it stands, what the head may do now (submit only a
    report not submitted or returned), the preview, and the head's narrative form holding
    the words saved last."""
    page = services().overviews.township_report(
        principal(), township=here(), year=whole_number(given) if given else None
    )
    head = principal().role.value == "head"
    return {
        "year": page.year,
        "status": page.status.document(),
        "timing": page.timing,
        "document": page.document,
        "may_submit": head and page.status.may_submit,
        "narrative_fields": fields_of("report_narrative"),
        # the head's words saved last (``values``: what was typed)
        "saved": form_values(page.narrative if head else {}),
    }


@bp.get("/report")
@roles(*ROLES)
def report():
    return render_template("township/report.html", **report_page(request.args.get("year", "")))


@bp.get("/report/<int:year>/preview")
@roles(*ROLES)
def report_preview(year: int):
    document = services().reports.report(principal(), township=here(), year=year)
    return report_files.preview(document)


@bp.get("/report/<int:year>.docx")
@roles(*ROLES)
def report_docx(year: int):
    document = services().reports.report(principal(), township=here(), year=year)
    return report_files.docx(document, f"{here()}-{year}")


@bp.post("/report/narrative")
@roles("head")
def report_narrative():
    year = request.form.get("year", "")
    form_page("township/report.html", form="narrative", **report_page(year))
    fields = fields_from("report_narrative", request.form)
    fields.pop("year", None)
    written = services().reports.write_narrative(
        principal(), township=here(), year=whole_number(year), fields=fields
    )
    if written is None:
        flash(_("内容与上次保存的相同，未另存新的一份。"))
    else:
        wrote(written.position)
        flash(_("已保存 %(year)s 年度报告的存在的问题和下一步打算", year=year))
    return redirect(url_for("township.report", year=year))


@bp.post("/report/submit")
@roles("head")
def report_submit():
    year = request.form.get("year", "")
    form_page("township/report.html", form="submit", **report_page(year))
    submitted = services().reports.submit(principal(), township=here(), year=whole_number(year))
    wrote(submitted.position)
    flash(_("已报送 %(year)s 年度报告", year=year))
    return redirect(url_for("township.report", year=year))
