"""Files the API answers with: the annual report rendered as the command line renders it,
a publication's bytes, and the audit export as the command line writes it. Each file that
the audit relies on carries its SHA-256 in a header."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from tempfile import SpooledTemporaryFile
from typing import Any

from flask import Response, request
from werkzeug.wsgi import wrap_file

from documents.report_docx import render_docx
from documents.report_html import render_html
from services.audit_export import write

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON_LINES = "application/x-ndjson"
IN_MEMORY = 8 * 2**20  # an export larger than this is spooled to a temporary file


def report_file(document, fmt: str, *, name: str) -> Response:
    if fmt == "docx":
        body, mimetype = render_docx(document), DOCX
    else:
        body, mimetype = render_html(document).encode("utf-8"), "text/html; charset=utf-8"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def publication_file(data: bytes, *, name: str) -> Response:
    response = Response(data, mimetype="application/json")
    _digest_headers(response, hashlib.sha256(data).digest())
    response.headers["Content-Disposition"] = f'inline; filename="publication-{name}.json"'
    return response


def timestamp_file(reply: bytes, *, name: str) -> Response:
    """A TSA's reply (RFC 3161 TimeStampResp, DER), as ``application/timestamp-reply``."""
    response = Response(reply, mimetype="application/timestamp-reply")
    response.headers["Content-Disposition"] = f'attachment; filename="publication-{name}.tsr"'
    return response


def audit_export_file(lines: Iterator[dict[str, Any]], *, name: str) -> Response:
    """The export written in full first (its SHA-256 goes before the body)."""
    spool = SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (the response closes it)
    _, digest = write(lines, spool)
    size = spool.tell()
    spool.seek(0)
    response = Response(wrap_file(request.environ, spool), mimetype=JSON_LINES)
    response.direct_passthrough = True
    response.content_length = size
    _digest_headers(response, bytes.fromhex(digest))
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.jsonl"'
    return response


def _digest_headers(response: Response, digest: bytes) -> None:
    response.headers["X-Content-SHA256"] = digest.hex()
    response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(digest).decode()}:"
