"""The checks of ``domain.values`` that run on every recorded line, written for speed, against
the rules they stand for, over every code point."""

import sys
import unicodedata

import pytest

from domain import values
from domain.errors import InvalidField

EVERY_CHARACTER = [chr(point) for point in range(sys.maxunicode + 1)]


def test_an_id_refuses_exactly_the_characters_of_its_rule():
    def rule(c: str) -> bool:  # the rule as documented: refused categories, no other space
        return c == " " or (unicodedata.category(c) not in values._ID_REFUSED and not c.isspace())

    assert [c for c in EVERY_CHARACTER if values._plain_id(c) != rule(c)] == []


def test_text_taken_without_its_character_loop_has_no_refused_character():
    shortcut = [c for c in EVERY_CHARACTER if c.isprintable()]
    refused = [
        c
        for c in shortcut
        if unicodedata.category(c) in values._TEXT_REFUSED or c in values._BIDI_CONTROLS
    ]
    assert len(shortcut) > 100_000 and refused == []


@pytest.mark.parametrize("bad", ["\u202e", "\x07", "\u2028"])
def test_text_still_names_a_refused_character_and_its_place(bad):
    with pytest.raises(InvalidField) as refused:
        values.text("summary", f"调解{bad}结案")
    assert refused.value.code == "text.refused_character"
    assert refused.value.said.params["position"] == 3


def test_long_text_keeps_its_line_breaks_and_an_id_refuses_them():
    assert values.long_text("narrative", "第一段\n\t第二段\r\n") == "第一段\n\t第二段"
    with pytest.raises(InvalidField):
        values.entry_id("id", "甲\t乙")
    assert values.entry_id("id", "2024 调 001") == "2024 调 001"
