"""A township's trends on the pages (services/trends.py): the years asked for, and the chart
of its rates quarter by quarter."""

from __future__ import annotations

import re
from typing import Any

from flask import request

from web import when
from web.labels import figure_label

YEAR = re.compile(r"[0-9]{1,6}")


def asked() -> tuple[Any, Any]:
    """The years of ``?from=`` and ``?to=`` (None: not given; the service picks them). A year
    written otherwise goes on as typed, for the service to refuse naming its field."""
    return _year("from"), _year("to")


def _year(name: str) -> Any:
    given = request.args.get(name) or ""
    if not given:
        return None
    return int(given) if YEAR.fullmatch(given) else given


def chart(doc: dict[str, Any]) -> dict[str, Any]:
    """The rates (as percentages) in each quarter of the trends document, a line a rate."""
    quarters = [p for p in doc["periods"] if "-" in p]
    return {
        "periods": quarters,
        "labels": [when.period(p) for p in quarters],
        "series": [
            {
                "name": figure_label(f["figure"]),
                "values": [
                    None if c["value"] is None else round(100 * c["value"], 1)
                    for c in f["values"]
                    if "-" in c["period"]
                ],
            }
            for f in doc["figures"]
            if f["figure"].startswith("rates.")
        ],
    }
