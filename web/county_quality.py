"""The county office's data-quality rules (docs/figures.md "Data quality"): each rule's
settings in force beside its defaults, and the officer setting them. A share is typed as a
percentage (20 for 20 %) and given to the ledger as the share it is (0.2); only the settings
that changed are sent. Its routes join the county blueprint."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from domain.errors import InvalidField
from domain.quality import DEFAULT_RULES, RULES
from web.accounts import roles
from web.county import ROLES, bp, here
from web.errors import form_page
from web.ledger import principal, services

ABOVE = "above"


def percent_text(share: float) -> str:
    """A share as the page writes it, in percent without trailing zeros (0.2 -> "20")."""
    text = format(Decimal(repr(share)) * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@bp.route("/quality-rules", methods=["GET", "POST"])
@roles(*ROLES)
def quality_rules():
    page = services().overviews.county_rules(principal(), county=here())
    in_force = page.rules
    context = {
        "county": page.county,
        "rules": RULES,
        "shown": _shown(in_force),
        "defaults": _shown(DEFAULT_RULES),
    }
    if request.method == "GET":
        return render_template("county/quality_rules.html", **context)
    form_page("county/quality_rules.html", **context)
    changed: dict[str, dict] = {}
    for rule in RULES:
        for name, value in in_force[rule].items():
            field = f"{rule}.{name}"
            typed = request.form.get(field, "").strip()
            given = _share(field, typed) if name == ABOVE else _whole(typed)
            if given != value:
                changed.setdefault(rule, {})[name] = given
    if not changed:
        flash(_("数据质量规则没有变化，未作修改。"))
    else:
        services().quality.set_rules(principal(), county=here(), rules=changed)
        flash(_("已保存数据质量规则，数据质量提示已按新的规则得出。"))
    return redirect(url_for("county.quality_rules"))


def _shown(rules: dict) -> dict[str, dict[str, str]]:
    """Each rule's settings as the page writes them: a share in percent."""
    return {
        rule: {
            name: percent_text(value) if name == ABOVE else str(value)
            for name, value in settings.items()
        }
        for rule, settings in rules.items()
    }


def _share(field: str, typed: str) -> float:
    """A percentage as typed (20, 12.5) as the share the ledger keeps (0.2, 0.125); anything
    else, or outside 0 to 100, refused naming the field."""
    try:
        percent = Decimal(typed) if typed.isascii() else None
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite() or not 0 <= percent <= 100:
        raise InvalidField(field, "quality.percent", got=typed)
    return float(percent / 100)


def _whole(typed: str):
    """Days or cases as typed: a whole number when it reads as one (else the ledger names the
    field)."""
    return int(typed) if typed.isascii() and typed.isdigit() else typed
