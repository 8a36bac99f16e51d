"""An annual report as the pages give it: a preview (a document of its own, shown in a frame)
and a DOCX download. The township's pages and the county's reading page give the same."""

from __future__ import annotations

from flask import Response

from documents.report_docx import render_docx
from documents.report_html import render_html

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The report preview is a document of its own (its styles inline, no script at all), shown
# in a frame of the report page.
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"


def preview(document) -> Response:
    response = Response(render_html(document), mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def docx(document, name: str) -> Response:
    return Response(
        render_docx(document),
        mimetype=DOCX,
        headers={"Content-Disposition": f"attachment; filename={name}.docx"},
    )
