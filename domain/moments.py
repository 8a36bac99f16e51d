"""Moments (recording times, "as of" times) as text: written and read in this one place.

A moment is written in UTC with a ``Z`` (``2025-01-15T00:00:00Z``); one given without a zone
is read as UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

from domain.errors import InvalidField

DEFAULT_ZONE = "Asia/Shanghai"


def zone() -> tzinfo:
    """The installation's time zone (Asia/Shanghai until ``LEDGER_TIMEZONE`` is configurable)."""
    return ZoneInfo(DEFAULT_ZONE)


def local(moment: datetime) -> datetime:
    """``moment`` on the installation's clock (a moment without a zone is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone())


def local_day(moment: datetime) -> date:
    """The installation's business day at ``moment``."""
    return local(moment).date()


def stamp(moment: datetime) -> str:
    """``moment`` as UTC ISO text ending in ``Z``."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_moment(value: str | datetime | None, *, field: str = "as_of") -> datetime | None:
    """A moment from ISO text (``Z`` or an offset; none: UTC) or a datetime; None stays None.
    Text that is not a time is refused, naming ``field``."""
    if value is None or isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidField(field, "moment.malformed", got=value) from None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        if moment is not None:
            moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00:00-05:00 is after the last moment there is
        raise InvalidField(field, "moment.too_late", got=value) from None
    return moment
