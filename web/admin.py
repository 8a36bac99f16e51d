"""The administrator's page: the installation's counties and their townships (read-only; the
administration of counties, townships and people comes with its own issue)."""

from __future__ import annotations

from flask import Blueprint, render_template

from web.accounts import roles
from web.ledger import principal, services

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@roles("admin")
def index():
    counties = services().tenancy.counties(principal())
    return render_template("admin/index.html", counties=counties)
