"""The annual report as a file to download, rendered as the command line renders it."""

from __future__ import annotations

from flask import Response

from documents.report_docx import render_docx
from documents.report_html import render_html

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_file(document, fmt: str, *, name: str) -> Response:
    if fmt == "docx":
        body, mimetype = render_docx(document), DOCX
    else:
        body, mimetype = render_html(document).encode("utf-8"), "text/html; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
