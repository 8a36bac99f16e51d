"""The base of every township entry: one aggregate per client-supplied entry id.

An entry is created by its first event (``session_held``, ``dispute_registered`` …), may take
follow-up events (``dispute_mediated`` …) and may be retracted. Nothing is edited or deleted.

Each event class names its interchange ``TYPE`` and declares its payload as dataclass fields;
the line of the interchange format is derived from the event and back, in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date
from functools import cache
from typing import Any, ClassVar, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from domain import values
from domain.errors import InvalidField, RuleBroken

ENTRY_NAMESPACE = uuid5(NAMESPACE_URL, "https://township-ledger/entries")

Check = Callable[[str, Any], Any]


@dataclasses.dataclass(frozen=True)
class Field:
    check: Check
    optional: bool = False
    # An optional field's value that means the same as leaving it out (0 people reached, no
    # laws): given so, the field is stored as not given, and a line is a repeat either way.
    empty: Any = None


@dataclasses.dataclass(frozen=True)
class OneOf:
    """A check that a value is one of ``allowed`` (forms offer them as choices)."""

    allowed: tuple[str, ...]

    def __call__(self, field: str, value: Any) -> str:
        return values.choice(field, value, self.allowed)


@dataclasses.dataclass(frozen=True)
class SomeOf:
    """A check that a value is a list of distinct values among ``allowed``."""

    allowed: tuple[str, ...]

    def __call__(self, field: str, value: Any) -> tuple[str, ...]:
        return values.choices(field, value, self.allowed)


def choice_of(*allowed: str) -> Check:
    return OneOf(allowed)


def choices_of(*allowed: str) -> Check:
    return SomeOf(allowed)


def entry_uuid(township: str, entry_id: str) -> UUID:
    return uuid5(ENTRY_NAMESPACE, f"{township}\x1f{entry_id}")


def line_key(
    type_: str, occurred_on: date, payload: Mapping[str, Any], spec: Mapping[str, Field]
) -> tuple[Any, ...]:
    """What makes two lines the same line (stored lists come back from JSON as lists; an
    optional field given as its empty value, 0 or an empty list, is the same line as one
    without it: sent again either way, it is a repeat)."""
    frozen = {
        k: None if _empty(spec.get(k), v) else tuple(v) if isinstance(v, list) else v
        for k, v in payload.items()
    }
    return (type_, occurred_on, tuple(sorted(frozen.items())))


def _empty(field: Field | None, value: Any) -> bool:
    if field is None or not field.optional or field.empty is None:
        return False
    if isinstance(field.empty, tuple):
        return isinstance(value, list | tuple) and not value
    return type(value) is type(field.empty) and value == field.empty


def check_fields(spec: Mapping[str, Field], given: Mapping[str, Any]) -> dict[str, Any]:
    """Validate ``given`` against ``spec``: unknown, missing and bad values name their field."""
    values.no_unknown(given, spec)
    clean: dict[str, Any] = {}
    for name, field in spec.items():
        if given.get(name) is None:
            if not field.optional:
                raise InvalidField(name, "field.required")
            clean[name] = None
        else:
            clean[name] = field.check(name, given[name])  # as given, its default included
    return clean


class Entry(Aggregate):
    """State shared by every entry. Subclasses add their events and rules."""

    class Event(Aggregate.Event):
        """Every entry event carries its township, entry id, business date and actor; the
        library adds the recording time (``timestamp``, UTC, the server's clock)."""

        TYPE: ClassVar[str]
        FIELDS: ClassVar[Mapping[str, Field]] = {}
        township: str
        entry_id: str
        occurred_on: date
        actor: str

        def payload(self) -> dict[str, Any]:
            return {name: getattr(self, name) for name in self.FIELDS}

        def plain_payload(self) -> dict[str, Any]:
            """The payload as JSON gives it back: dates as ISO text, sequences as lists,
            optional fields that were not given left out."""
            return {
                name: value.isoformat()
                if isinstance(value, date)
                else list(value)
                if isinstance(value, tuple | list)
                else value
                for name, value in self.payload().items()
                if value is not None
            }

        def apply(self, aggregate: Any) -> None:
            aggregate.lines.append(self.line_key())
            self.apply_to(aggregate)

        def apply_to(self, aggregate: Any) -> None:
            """Assign state only: this runs again on every replay."""

        def line_key(self) -> tuple[Any, ...]:
            return line_key(self.TYPE, self.occurred_on, self.payload(), self.FIELDS)

    class Recorded(Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            aggregate.township = self.township
            aggregate.entry_id = self.entry_id
            aggregate.occurred_on = self.occurred_on
            aggregate.recorded_by = self.actor
            aggregate.retracted = None
            aggregate.lines = []
            super().apply(aggregate)

    class Retracted(Event):
        TYPE = "entry_retracted"
        FIELDS = {"reason": Field(values.long_text)}
        reason: str

        def apply_to(self, aggregate: Any) -> None:
            aggregate.retracted = self

    @classmethod
    def event_classes(cls) -> dict[str, type[Entry.Event]]:
        """The interchange types of the events this entry takes, and their classes.

        Found on the class, where the library redefines each nested event class (the
        inherited retraction included) as a subclass of the aggregate's own base event.
        """
        found = cls.__dict__.get("_event_classes")
        if found is None:
            found = {
                value.TYPE: value
                for value in vars(cls).values()
                if isinstance(value, type)
                and issubclass(value, Entry.Event)
                and getattr(value, "TYPE", None)
            }
            cls._event_classes = found
        return found

    @classmethod
    @cache  # per entry class: asked twice for every entry an import records
    def creation(cls) -> type[Entry.Recorded]:
        (recorded,) = (c for c in cls.event_classes().values() if issubclass(c, Entry.Recorded))
        return recorded

    @classmethod
    def follow_up_types(cls) -> tuple[str, ...]:
        return tuple(t for t in cls.event_classes() if t != cls.creation().TYPE)

    @classmethod
    def record(
        cls,
        *,
        township: str,
        entry_id: str,
        occurred_on: date,
        actor: str,
        fields: Mapping,
        id: UUID | None = None,  # noqa: A002 - entry_uuid(township, entry_id), if worked out
    ) -> Self:
        clean = check_fields(cls.creation().FIELDS, fields)
        cls.check_new(occurred_on, clean)
        return cls._create(
            cls.creation(),
            id=id or entry_uuid(township, entry_id),
            township=township,
            entry_id=entry_id,
            occurred_on=occurred_on,
            actor=actor,
            **clean,
        )

    @classmethod
    def check_new(cls, occurred_on: date, fields: Mapping[str, Any]) -> None:
        """Rules across the fields of a new entry; subclasses extend."""

    @classmethod
    def candidate_key(cls, type_: str, occurred_on: date, fields: Mapping) -> tuple[Any, ...]:
        """The key a line would have once recorded, to recognise a repeat."""
        spec = cls.event_classes()[type_].FIELDS
        return line_key(type_, occurred_on, check_fields(spec, fields), spec)

    def is_repeat(self, key: tuple[Any, ...]) -> bool:
        return key in self.lines

    def recorded_types(self) -> frozenset[str]:
        """The types of the events the entry holds: its creation and its follow-ups."""
        return frozenset(line[0] for line in self.lines)

    def follow_up(self, type_: str, *, occurred_on: date, actor: str, fields: Mapping) -> None:
        """Append a follow-up (or a retraction) after checking every rule. A retraction may
        be dated before the entry (an entry dated wrongly, even in the future, is retracted
        on the day the mistake is seen)."""
        event_class = self.event_classes()[type_]
        clean = check_fields(event_class.FIELDS, fields)
        refused = self.refusal(type_)
        if refused is not None:
            raise refused
        if type_ != Entry.Retracted.TYPE and occurred_on < self.occurred_on:
            raise RuleBroken("entry.follow_up_before", field="occurred_on", on=self.occurred_on)
        self.trigger_event(
            event_class,
            township=self.township,
            entry_id=self.entry_id,
            occurred_on=occurred_on,
            actor=actor,
            **clean,
        )

    def refusal(self, type_: str) -> RuleBroken | None:
        """Why the entry takes no event of ``type_`` now, whatever its date and fields (a
        retracted entry takes nothing); None when it may."""
        if self.retracted is not None:
            return RuleBroken(
                "entry.retracted", field="id", id=self.entry_id, on=self.retracted.occurred_on
            )
        return self.closed_to(type_)

    def closed_to(self, type_: str) -> RuleBroken | None:
        """Why the entry, not retracted, takes no event of ``type_`` now (a resolved dispute
        no mediation); None when it may. Subclasses extend."""
        return None

    def open_follow_ups(self) -> tuple[str, ...]:
        """The follow-ups (the retraction included) the entry takes now: what its page offers."""
        return tuple(t for t in self.follow_up_types() if self.refusal(t) is None)

    @property
    def type(self) -> str:
        return self.creation().TYPE
