"""Moments (recording times, "as of" times) as text: written and read in this one place.

A moment is written in UTC with a ``Z`` (``2025-01-15T00:00:00Z``); one given without a zone
is read as UTC. A moment given is from ``FIRST_MOMENT`` (nothing was recorded before) and
before ``LAST_MOMENT``, so that it is a time in every time zone where it is shown.
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.errors import InvalidField

FIRST_MOMENT = datetime(1949, 10, 1, tzinfo=UTC)
LAST_MOMENT = datetime(9999, 1, 1, tzinfo=UTC)  # 9999-12-31T23:00Z is not a time at +08:00


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
    if moment is not None and not FIRST_MOMENT <= moment < LAST_MOMENT:
        raise InvalidField(
            field,
            "moment.out_of_range",
            first=stamp(FIRST_MOMENT),
            last=stamp(LAST_MOMENT),
            got=value if isinstance(value, str) else stamp(moment),
        )
    return moment
