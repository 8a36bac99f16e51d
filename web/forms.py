"""Form fields from the catalogue's field specs, and the typed values a form's text becomes.
Values that cannot be read are passed on as typed, so the ledger names the field."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from domain.values import whole_number
from services.catalogue import FieldSpec, fields_of

PREFIXES = {
    "session_held": "S",
    "meeting_held": "M",
    "decision_reviewed": "DR",
    "inspection_conducted": "IN",
    "issue_found": "I",
    "dispute_registered": "D",
    "hotline_case_received": "H",
    "advisor_appointed": "A",
    "liaison_registered": "L",
    "volunteer_pledged": "V",
    "officer_certified": "O",
    "report_narrative": "RN",
    "report_submitted": "RS",
    "quarter_submitted": "QS",
}


def suggested_id(type_: str, today: date) -> str:
    """A fresh entry id; the form keeps it, so sending the form twice records it once."""
    return f"{PREFIXES.get(type_, 'E')}-{today.year}-{secrets.token_hex(3).upper()}"


def typed(spec: FieldSpec, form: MultiDict) -> Any:
    if spec.kind == "choices":
        return form.getlist(spec.name)
    if spec.kind == "themes":
        texts = {code: form.get(f"{spec.name}.{code}", "").strip() for code in spec.allowed}
        return {code: text for code, text in texts.items() if text} or None
    raw = form.get(spec.name, "").strip()
    if raw == "":
        return None
    if spec.kind in ("count", "year", "quarter"):
        return whole_number(raw)
    if spec.kind == "flag":
        return {"true": True, "false": False}.get(raw, raw)
    if spec.kind == "texts":
        return [line.strip() for line in raw.splitlines() if line.strip()] or None
    return raw


def form_values(fields: dict[str, Any]) -> dict[str, Any]:
    """A recorded event's fields as its form holds them (the inverse of ``fields_from``):
    lists one item a line, a theme's text under ``themes.CODE``."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, dict):
            values.update({f"{name}.{code}": text for code, text in value.items()})
        elif isinstance(value, list | tuple):
            values[name] = "\n".join(str(item) for item in value)
        elif value is not None:
            values[name] = str(value)
    return values


def fields_from(type_: str, form: MultiDict) -> dict[str, Any]:
    """The event's fields from a submitted form (fields left empty are not given)."""
    given = {spec.name: typed(spec, form) for spec in fields_of(type_)}
    return {name: value for name, value in given.items() if value not in (None, [])}
