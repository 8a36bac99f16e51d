"""Trusted timestamps as the pages show them: a token's time on the installation's clock
(domain.moments.local), written as the page's reader writes it — 2026年12月6日 22:33 on a
Chinese page, 6 Dec 2026 22:33 on an English one."""

from __future__ import annotations

from flask import Flask

from domain import moments
from web.i18n import chosen_language

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def stamp_time(value: str) -> str:
    """A token's time (UTC ISO text, as recorded) on the installation's clock."""
    moment = moments.parse_moment(value, field="stamped_at")
    at = moments.local(moment)
    if chosen_language() == "zh":
        return f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}"
    return f"{at.day} {MONTHS[at.month - 1]} {at.year} {at:%H:%M}"


def register_timestamps(app: Flask) -> None:
    app.jinja_env.filters["stamp_time"] = stamp_time
