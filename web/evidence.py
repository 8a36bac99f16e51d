"""Evidence on the pages: files attached from an entry's page (several at once, from a phone's
camera too) and retracted with a reason; a file shown or downloaded by whoever may see an
entry carrying it (the township's people, the county's officer and auditor). The services
decide who may; a file one may not see is not found, as one that does not exist."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Flask, Response, redirect, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from web.accounts import roles
from web.errors import form_page
from web.files import evidence_response
from web.ledger import principal, services, wrote
from web.township import ROLES, bp, entry_page, here

files = Blueprint("evidence_files", __name__, url_prefix="/evidence")
READERS = ("clerk", "head", "county_officer", "auditor")
# A page's upload takes this many files of the largest size at once (a phone's few photos
# are far less); a larger request is refused as too large before it is read.
PAGE_FILES = 4
UPLOAD_SLACK = 2**20  # the form's own fields and the multipart boundaries
# What the file chooser offers, by media type and by name; the camera button takes photos.
ACCEPT = ",".join(
    (
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".pdf",
        ".jpg",
        ".jpeg",
        ".png",
        ".docx",
        ".xlsx",
    )
)


@bp.post("/evidence")
@roles(*ROLES)
def attach_evidence():
    """Attach the files chosen (or photographed) on an entry's page, all or none."""
    entry_id = request.form.get("id", "")
    found = services().entries.entry(principal(), township=here(), entry_id=entry_id)
    form_page("township/entry.html", form="evidence_attached", **entry_page(found))
    chosen = [f for f in request.files.getlist("file") if f.filename]
    done = services().evidence.attach_files(
        principal(),
        township=here(),
        entry_id=entry_id,
        files=[(f.filename or "", f.stream) for f in chosen],
    )
    wrote(max((d.position or 0 for d in done), default=0) or None)
    attached = sum(1 for d in done if d.status == "recorded")
    return redirect(url_for("township.entry", entry_id=entry_id, attached=attached) + "#evidence")


@bp.post("/evidence/retract")
@roles(*ROLES)
def retract_evidence():
    form = request.form
    entry_id = form.get("id", "")
    found = services().entries.entry(principal(), township=here(), entry_id=entry_id)
    sha256 = form.get("sha256", "")
    form_page("township/entry.html", form=f"evidence_retracted:{sha256}", **entry_page(found))
    done = services().evidence.retract(
        principal(),
        township=here(),
        entry_id=entry_id,
        sha256=sha256,
        reason=form.get("reason", "").strip() or None,
    )
    wrote(done.position)
    return redirect(url_for("township.entry", entry_id=entry_id) + "#evidence")


@files.get("/<sha256>")
@roles(*READERS)
def file(sha256: str) -> Response:
    return evidence_response(services().evidence.file(principal(), sha256=sha256))


@files.get("/<sha256>/thumbnail")
@roles(*READERS)
def thumbnail(sha256: str) -> Response:
    return evidence_response(services().evidence.file(principal(), sha256=sha256, thumbnail=True))


def file_size(size: int) -> str:
    """A file's size as people read it: 35 KB, 2.4 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def local_moment(moment: datetime | str) -> str:
    """When (a moment, or UTC ISO text as the audit history gives it), in the installation's
    time zone, written as the page's language writes it."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return format_datetime(moment, _("yyyy年M月d日 HH:mm"))


def register_evidence(app: Flask) -> None:
    """The file routes, the filters the evidence section uses, and a page upload's size:
    raised for the upload before anything reads the form (the CSRF check does)."""
    limit = app.extensions["ledger"].evidence.limits.max_bytes * PAGE_FILES + UPLOAD_SLACK

    def allow_uploads() -> None:
        if request.endpoint == "township.attach_evidence":
            request.max_content_length = limit

    app.before_request_funcs.setdefault(None, []).insert(0, allow_uploads)
    app.jinja_env.filters["file_size"] = file_size
    app.jinja_env.filters["local_moment"] = local_moment
    app.jinja_env.globals["EVIDENCE_ACCEPT"] = ACCEPT
    app.jinja_env.globals["evidence_limits"] = app.extensions["ledger"].evidence.limits
    app.register_blueprint(files)
