"""Moments (recording times, "as of" times) as text, and the installation's time zone: written
and read in this one place.

A moment is stored and exchanged in UTC with a ``Z`` (``2025-01-15T00:00:00Z``): the API, the
interchange and the publications say the same whatever zone an installation is in. People
read moments in the installation's zone (``LEDGER_TIMEZONE``, Asia/Shanghai unless set), which
the composition root sets once at start (``use_zone``); a moment typed without a zone (a
page's date-and-time field, ``--as-of 2025-01-15T08:00``) is read in that zone. Its "today" is
the business day of that zone (``domain.values.today``). A moment given is from
``FIRST_MOMENT`` (nothing was recorded before) and before ``LAST_MOMENT``, so that it is a
time in every time zone where it is shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from domain.errors import InvalidField

DEFAULT_ZONE = "Asia/Shanghai"
_ZONE: list[tzinfo] = [ZoneInfo(DEFAULT_ZONE)]
# Zones whose clock is Beijing time, as a Chinese reader names it.
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def use_zone(zone: tzinfo) -> None:
    """Make ``zone`` the installation's time zone (once, by the composition root)."""
    _ZONE[0] = zone


def zone() -> tzinfo:
    return _ZONE[0]


def is_beijing_time() -> bool:
    return str(zone()) in BEIJING_ZONES


def now() -> datetime:
    return datetime.now(UTC)


def local(moment: datetime) -> datetime:
    """``moment`` on the installation's clock (a moment without a zone is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_day(moment: datetime) -> date:
    """The installation's business day at ``moment``."""
    return local(moment).date()


FIRST_MOMENT = datetime(1949, 10, 1, tzinfo=UTC)
LAST_MOMENT = datetime(9999, 1, 1, tzinfo=UTC)  # 9999-12-31T23:00Z is not a time at +08:00


def stamp(moment: datetime) -> str:
    """``moment`` as UTC ISO text ending in ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_moment(value: str | datetime | None, *, field: str = "as_of") -> datetime | None:
    """A moment from ISO text (``Z`` or an offset; none: the installation's local time) or a
    datetime; None stays None. Text that is not a time is refused, naming ``field``."""
    if value is None or isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidField(field, "moment.malformed", got=value) from None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone())
    try:
        if moment is not None:  # on every clock that reads it: UTC's and the installation's
            moment.astimezone(UTC).astimezone(zone())
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is after the last moment there is,
        # and 9999-12-31T23:59:59Z is in the year 10000 in Shanghai
        raise InvalidField(field, "moment.too_late", got=value) from None
    if moment is not None and not FIRST_MOMENT <= moment < LAST_MOMENT:
        raise InvalidField(
            field,
            "moment.out_of_range",
            first=stamp(FIRST_MOMENT),
            last=stamp(LAST_MOMENT),
            got=value if isinstance(value, str) else stamp(moment),
        )
    return moment


def moment_of(value: str | datetime) -> datetime:
    """A moment given as stored (ISO text or a datetime), to be written for people."""
    return value if isinstance(value, datetime) else parse_moment(value) or now()


# --- moments and days written for people ----------------------------------------------


def written(value: str | datetime, language: str = "zh", *, seconds: bool = False) -> str:
    """A moment on the installation's clock as its readers write it: 2026年12月6日 22:33 in
    Chinese, 6 Dec 2026 22:33 in English (with ``seconds``: 22:33:34)."""
    at = local(moment_of(value))
    clock = f"{at:%H:%M:%S}" if seconds else f"{at:%H:%M}"
    return f"{written_day(at.date(), language)} {clock}"


def written_day(day: date | str, language: str = "zh") -> str:
    """A date as prose writes it: 2024年3月5日, 5 Mar 2024."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    if language == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def input_value(value: str | datetime | None) -> str:
    """A moment as a date-and-time field holds it (``2026-12-06T22:33:34``, local time)."""
    if value is None or value == "":
        return ""
    return f"{local(moment_of(value)):%Y-%m-%dT%H:%M:%S}"
