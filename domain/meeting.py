"""Party committee meetings (党委会议) and the major matters they decided."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field


class Meeting(Entry):
    class Held(Entry.Recorded):
        TYPE = "meeting_held"
        FIELDS = {"matters_decided": Field(values.count)}
        matters_decided: int
