"""What each entry type asks for, as forms and spreadsheets need it: its fields, their kind,
whether they are optional, and the values allowed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import values
from domain.catalogue import COUNTY_TYPES, CREATIONS, FOLLOW_UPS, HEAD_TYPES
from domain.entry import Entry, OneOf, SomeOf
from domain.errors import NotFound
from domain.figure_names import COUNT_FIGURES, RANKABLE_COUNTS, RATES
from domain.report import REPORT_THEMES, theme_texts

KINDS: dict = {
    values.text: "text",
    values.count: "count",
    values.day: "day",
    values.deadline: "day",
    values.long_text: "long_text",
    values.code_text: "text",
    values.texts: "texts",
    values.flag: "flag",
    values.entry_id: "entry_id",
    values.year: "year",
    values.quarter: "quarter",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # text, long_text, count, day, texts, flag, entry_id, year, quarter, choice,
    # choices, themes
    optional: bool
    allowed: tuple[str, ...] = ()


# Entry types a township records from its own forms (the county answers reports elsewhere).
TOWNSHIP_CREATIONS: tuple[str, ...] = tuple(CREATIONS)


def event_class(type_: str) -> type[Entry.Event]:
    for cls in (*CREATIONS.values(), *(c for cs in FOLLOW_UPS.values() for c in cs)):
        found = cls.event_classes().get(type_)
        if found is not None:
            return found
    raise NotFound("type.unknown", field="type", type=type_)


def fields_of(type_: str) -> tuple[FieldSpec, ...]:
    """The fields of one event type, in the order the interchange format lists them."""
    specs = []
    for name, field in event_class(type_).FIELDS.items():
        check = field.check
        if check is theme_texts:  # a text for each theme of the report that has one
            specs.append(FieldSpec(name, "themes", field.optional, REPORT_THEMES))
        elif isinstance(check, OneOf | SomeOf):
            kind = "choice" if isinstance(check, OneOf) else "choices"
            specs.append(FieldSpec(name, kind, field.optional, check.allowed))
        else:
            specs.append(FieldSpec(name, KINDS[check], field.optional))  # a new check: name it
    return tuple(specs)


def follow_ups_of(type_: str) -> tuple[str, ...]:
    """The follow-ups a township records on an entry of this type (mediate, rectify,
    answer); retraction and the county's answers to a report are asked for elsewhere."""
    cls = CREATIONS[type_]
    return tuple(
        t for t in cls.follow_up_types() if t != Entry.Retracted.TYPE and t not in COUNTY_TYPES
    )


def head_only(type_: str) -> bool:
    return type_ in HEAD_TYPES


def rankable_figures() -> tuple[str, ...]:
    """The figures a county may rank by: every rate, then the counts that can be ranked, in the
    figures document's order (by theme: sessions, meetings, decisions, issues, disputes …)."""
    counts = (name for name in COUNT_FIGURES if name in RANKABLE_COUNTS)
    return (*(f"rates.{name}" for name in RATES), *counts)


def today() -> date:
    """Today, the installation's: the day a form's business date starts at, and the last
    one it takes."""
    return values.today()
