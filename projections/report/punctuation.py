"""Chinese punctuation in a township's own paragraphs: the ASCII , . : ; ( ) typed among
Chinese characters written as ， 。 ： ； （ ）, and ... as ……; numbers (3.5, 1,000, 10:30),
Latin words and web addresses are left as they are.

A mark is Chinese when a Chinese character stands beside it (spaces between are dropped), or a
number that stands beside a Chinese character (达91%, → 达91%，). A mark between two digits
is part of the number; a full stop after a number that opens the line is a list number (1.),
and one after a Latin word is that word's (e.g. ), unless Chinese follows at once. Brackets
change in pairs: both when either has a Chinese neighbour. Web and mail addresses are kept."""

from __future__ import annotations

import re

FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "(": "（", ")": "）"}
ELLIPSIS = "……"
_MARKS = re.compile(r"\.{2,}|[,.:;()]")
_ADDRESS = re.compile(
    r"(?:https?|ftp)://[!-~]+|www\.[!-~]+|[\w.%+-]+@[\w.-]+\.[A-Za-z]{2,}", re.ASCII
)
_BLANK = " \t\u3000"
# Marks looked through for a mark's neighbour: "(以展板为主)." ends a Chinese sentence.
_THROUGH = {-1: ")）”’》」』】", 1: "(（“‘《「『【"}


def chinese_punctuation(text: str) -> str:
    """``text`` with the punctuation of its Chinese sentences written in Chinese."""
    kept = _addresses(text)
    changes: dict[int, tuple[int, str]] = {}  # start -> (end, replacement)
    opened: list[int] = []
    brackets: list[tuple[int, ...]] = []  # pairs (opening, closing), and single ones
    for mark in _MARKS.finditer(text):
        start, end = mark.span()
        if start in kept:
            continue
        if mark.group() == "(":
            opened.append(start)
        elif mark.group() == ")":
            brackets.append((opened.pop(), start) if opened else (start,))
        elif found := _replacement(text, start, end):
            changes[start] = (end, found)
    brackets.extend((start,) for start in opened)
    for group in brackets:
        if any(_chinese_beside(text, at, at + 1) for at in group):
            changes.update({at: (at + 1, FULL_WIDTH[text[at]]) for at in group})
    return _apply(text, changes)


def _replacement(text: str, start: int, end: int) -> str | None:
    """What the mark ``text[start:end]`` (not a bracket) becomes, or None to keep it."""
    mark = text[start:end]
    if len(mark) > 1:
        return ELLIPSIS if len(mark) >= 3 and _chinese_beside(text, start, end) else None
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() and after.isdigit():
        return None  # 3.5, 1,000, 10:30
    left, right = _side(text, start, -1), _side(text, end - 1, 1)
    if mark == "." and left == "number":
        return None  # 1. at the head of a line: a list number
    if mark == "." and before.isascii() and before.isalpha() and not is_chinese(after or "a"):
        return None  # e.g. : a Latin word's own full stop
    return FULL_WIDTH[mark] if "chinese" in (left, right) else None


def _chinese_beside(text: str, start: int, end: int) -> bool:
    return "chinese" in (_side(text, start, -1), _side(text, end - 1, 1))


def _side(text: str, at: int, step: int) -> str:
    """What stands beside ``text[at]`` in the direction ``step`` (spaces skipped): "chinese"
    (a Chinese character, or a number beside one), "number" (a number beside none), or ""."""
    i = _skip(text, at + step, step, _BLANK + _THROUGH[step])
    if not 0 <= i < len(text):
        return ""
    if is_chinese(text[i]):
        return "chinese"
    if not (text[i].isdigit() or text[i] == "%"):
        return ""
    while 0 <= i < len(text) and _in_number(text, i):
        i += step
    return "chinese" if 0 <= i < len(text) and is_chinese(text[i]) else "number"


def _in_number(text: str, i: int) -> bool:
    char = text[i]
    if char.isdigit() or char == "%":
        return True
    inside = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
    return char in ".,:" and inside


def _skip(text: str, i: int, step: int, chars: str) -> int:
    while 0 <= i < len(text) and text[i] in chars:
        i += step
    return i


def is_chinese(char: str) -> bool:
    """A Chinese character (a Han ideograph; not a punctuation mark)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
        or code == 0x3007  # 〇
    )


def _addresses(text: str) -> set[int]:
    """The positions of web and mail addresses (without the marks that end a sentence)."""
    kept: set[int] = set()
    for found in _ADDRESS.finditer(text):
        address = found.group().rstrip(".,:;")
        if address.count(")") > address.count("("):
            address = address.rstrip(")")
        kept.update(range(found.start(), found.start() + len(address)))
    return kept


def _apply(text: str, changes: dict[int, tuple[int, str]]) -> str:
    """``text`` with each change made, and the spaces beside a changed mark dropped."""
    out: list[str] = []
    position = 0
    for start in sorted(changes):
        end, replacement = changes[start]
        out.append(text[position:start].rstrip(_BLANK))
        out.append(replacement)
        position = _skip(text, end, 1, _BLANK)
    out.append(text[position:])
    return "".join(out)
