"""What forms and workbooks ask for comes from the domain's own field declarations."""

from __future__ import annotations

from domain.catalogue import ALL_TYPES
from domain.dispute import DISPUTE_SOURCES
from services.catalogue import fields_of


def test_every_field_of_every_type_has_a_kind_a_form_can_show():
    for type_ in ALL_TYPES:
        for spec in fields_of(type_):  # an undeclared check raises KeyError here
            assert spec.kind


def test_choices_carry_their_allowed_values():
    source = next(s for s in fields_of("dispute_registered") if s.name == "source")
    assert (source.kind, source.allowed) == ("choice", DISPUTE_SOURCES)
    assert {s.name: s.kind for s in fields_of("issue_found")}["deadline"] == "day"
