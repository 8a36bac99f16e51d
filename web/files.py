"""Evidence files as the pages and the API answer with them: a PDF opened in the browser in a
sandbox, an image shown, any other file downloaded; never sniffed as another type."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from services.evidence import EvidenceFile

INLINE = frozenset({"application/pdf", "image/jpeg", "image/png"})
# A file is shown as a document of its own with no rights on the site: no script, no form,
# no same origin (a PDF viewer's own scripts still run in the browser's viewer).
SANDBOX = "sandbox"


def evidence_response(found: EvidenceFile) -> Response:
    response = Response(found.data, mimetype=found.media_type)
    disposition = "inline" if found.media_type in INLINE else "attachment"
    ascii_name = found.name.encode("ascii", "replace").decode().replace('"', "'")
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.name)}"
    )
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Content-SHA256"] = found.sha256
    response.headers["Cache-Control"] = "no-store"  # as the pages: kept on no shared computer
    return response
