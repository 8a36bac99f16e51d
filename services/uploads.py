"""How large a request's body may be: what a page's form takes (a workbook to import) and what
the API's imports take. The web app refuses a larger body (413) without reading it; the server in
front of the app (``infra/web_worker.py``) reads no body larger than the largest of them, and the
documented nginx front says the same (``client_max_body_size``, deploy/nginx.conf)."""

from __future__ import annotations

MIB = 1024 * 1024
PAGE_BODY_BYTES = 20 * MIB
IMPORT_BODY_BYTES = 50 * MIB
LARGEST_BODY_BYTES = max(PAGE_BODY_BYTES, IMPORT_BODY_BYTES)
TOO_LARGE = f"the request is larger than the {IMPORT_BODY_BYTES // MIB} MB an import may be"
