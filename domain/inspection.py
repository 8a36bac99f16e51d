"""Enforcement inspections (执法检查)."""

from __future__ import annotations

from domain import values
from domain.entry import Entry, Field


class Inspection(Entry):
    class Conducted(Entry.Recorded):
        TYPE = "inspection_conducted"
        FIELDS = {"area": Field(values.text)}
        area: str
