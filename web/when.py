"""Moments, days and periods as the page's reader writes them: on the installation's clock
(``LEDGER_TIMEZONE``, domain/moments.py), 2026年12月6日 22:33 and 2024年第一季度 on a Chinese
page, 6 Dec 2026 22:33 and 2024 Q1 on an English one. Workbooks call the same functions.

Where a date is a column of a table (business dates, deadlines) it stays ``2024-03-05``:
short, sortable, and how Chinese spreadsheets write it; a date in a sentence is written out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from jinja2 import pass_context

from domain import moments
from domain.errors import LedgerError
from web.i18n import chosen_language

QUARTERS = {"zh": ("一", "二", "三", "四"), "en": ("1", "2", "3", "4")}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_PERIOD = re.compile(r"(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?")


def language() -> str:
    """The page's language: ``zh`` (the default) or ``en``."""
    return chosen_language()


def moment(value: str | datetime | None, seconds: bool = False) -> str:
    """A moment (as stored: ISO text or a datetime) on the installation's clock; text that is
    no moment (what a user typed) as it is; nothing for None."""
    if value is None or value == "":
        return ""
    try:
        return moments.written(value, language(), seconds=seconds)
    except (LedgerError, ValueError, OverflowError):
        return str(value)


def day(value: str | date | None) -> str:
    """A date in a sentence: 2024年3月5日, 5 Mar 2024."""
    if value is None or value == "":
        return ""
    try:
        return moments.written_day(value, language())
    except (ValueError, TypeError):
        return str(value)


def period(key: str | int | None) -> str:
    """A period key (2024, 2024-Q1, 2024-03) as its readers write it: 2024年, 2024年第一季度,
    2024年3月; 2024, 2024 Q1, March 2024. Text that is no period as it is."""
    found = _PERIOD.fullmatch(str(key or ""))
    if not found:
        return str(key or "")
    year, quarter, month = found.groups()
    if language() == "zh":
        if quarter:
            return f"{year}年第{QUARTERS['zh'][int(quarter) - 1]}季度"
        return f"{year}年{int(month)}月" if month else f"{year}年"
    if quarter:
        return f"{year} Q{quarter}"
    return f"{MONTHS[int(month) - 1]} {year}" if month else year


def input_value(value: str | datetime | None) -> str:
    """A moment as a date-and-time field (``<input type="datetime-local">``) holds it, on the
    installation's clock; what a user typed that is no moment as it is."""
    try:
        return moments.input_value(value)
    except (LedgerError, ValueError, OverflowError):
        return str(value)


def at_render(function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter Jinja works out when a page is rendered, in its reader's language. (Jinja
    works out a filter of a constant, ``"occurred_on"|field_label``, once, when it compiles
    the template: in the language of whichever page came first, for every page after.)"""

    @pass_context
    def rendered(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return rendered


def register_filters(app, **filters: Callable[..., Any]) -> None:
    app.jinja_env.filters.update({name: at_render(f) for name, f in filters.items()})


def register_when(app) -> None:
    register_filters(app, moment=moment, day=day, period_label=period, moment_input=input_value)
