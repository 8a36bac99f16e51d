"""Import files and API bodies spoilt one way each (issue 12, item 4), as Hypothesis
strategies. A spoilt file is good lines with one spoilt line among them, and knows the line
and the field its refusal must name (no field: the line as a whole, or the file)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.lines import good_line
from tests.support import unique

# Types a clerk records on their own; each is the creation of a new entry.
CREATIONS = (
    "session_held",
    "meeting_held",
    "decision_reviewed",
    "inspection_conducted",
    "issue_found",
    "dispute_registered",
    "hotline_case_received",
    "advisor_appointed",
    "liaison_registered",
    "volunteer_pledged",
    "officer_certified",
)
# A value of the wrong kind for each kind of field, and limits passed.
WRONG = {
    "count": [True, 1.5, "3", -1, 10**7 + 1, 10**30, 2**64, None, [], {}, float("inf")],
    "text": [3, True, "", " ", "\x00", "a\u202eb", "x" * 20_001, [], {"a": 1}, None],
    "date": [
        "2024-02-30",
        "2023-13-01",
        "20240305",
        "2024-3-5",
        20240305,
        "",
        "0000-00-00",
        "2024-03-05T00:00:00",
        None,
    ],
    "choice": ["", "LECTURE", 1, ["lecture"], None, "随便"],
}
KINDS = {
    "attendees": "count",
    "matters_decided": "count",
    "reached": "count",
    "materials": "count",
    "title": "text",
    "area": "text",
    "category": "text",
    "description": "text",
    "occurred_on": "date",
    "deadline": "date",
    "kind": "choice",
    "reviewer": "choice",
    "result": "choice",
    "level": "choice",
    "post": "choice",
    "source": "choice",
}

TEXTS = {name for name, kind in KINDS.items() if kind == "text"}
# A new entry's id: letters, digits, '-', '_', '.' (docs/interchange.md "Limits"). What no id
# may hold, put among characters an id may: a path's, a URL's, a space, Chinese punctuation,
# full-width digits, two dots.
ID_CHARACTERS = "abcXYZ019纠纷调解-_"
UNSAFE_IN_IDS = ["/", "../", "\\", "?", "#", "%2F", "%", " ", "\u3000", "..", "（", "：", "、",
                 "２", "Ａ", "&", "+", "=", "'", '"', "<", "*", "~", "@"]  # fmt: skip


@st.composite
def unsafe_id(draw) -> str:
    """An id no new entry may have (whatever the ledger's own check says)."""
    before = draw(st.text(ID_CHARACTERS, min_size=1, max_size=8))
    start = draw(st.sampled_from([".", "-", "_", ""]))  # none of them may begin an id
    after = draw(st.text(ID_CHARACTERS, max_size=8))
    unsafe = draw(st.sampled_from(UNSAFE_IN_IDS))
    return start + before + unsafe + after if start == "" else start + before + after


@dataclass
class Spoilt:
    """A file (its lines as bytes, each ending in a newline) and what its refusal names."""

    kind: str
    data: bytes
    line: int  # the line the refusal names
    field: str | None  # the field it names; None: the line or the file as a whole
    lines: list[dict[str, Any]]  # the file's lines before any byte was spoilt

    @property
    def body(self) -> bytes:
        """The spoilt line alone (an API body of one line)."""
        return self.data.split(b"\n")[self.line - 1]


def encoded(lines: list[dict[str, Any] | str], newline: str = "\n") -> bytes:
    text = [x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines]
    return "".join(t + newline for t in text).encode("utf-8")


@st.composite
def good_file(draw, township: str) -> list[dict[str, Any]]:
    types = draw(st.lists(st.sampled_from(CREATIONS), min_size=1, max_size=5))
    return [good_line(township, t, unique(t[:2].upper())) for t in types]


@st.composite
def spoilt_value(draw, township: str, other_township: str) -> Spoilt:
    """One field of one line given a value the ledger must refuse, naming that field."""
    lines = draw(good_file(township))
    n = draw(st.integers(0, len(lines) - 1))
    line = lines[n]
    names = [k for k in line if k in KINDS]
    choice = draw(
        st.sampled_from(["wrong", "unknown", "envelope", "township"] * 2 + ["deep", "unsafe_id"])
    )
    field: str | None
    if choice == "wrong" and names:
        field = draw(st.sampled_from(names))
        line[field] = draw(st.sampled_from(WRONG[KINDS[field]]))
        if field == "deadline" and line[field] is None:
            line[field] = "2024-01-01"  # before the day it was found
    elif choice == "unknown" or (choice == "wrong" and not names):
        field = draw(st.sampled_from(["unknown", "Title", "备注", "id ", ""]))
        line[field] = draw(st.sampled_from(["x", 1, None, []]))
        if line[field] is None:
            line[field] = "x"
    elif choice == "envelope":
        field = draw(st.sampled_from(["type", "id", "occurred_on", "township"]))
        if draw(st.booleans()):
            del line[field]
        else:
            line[field] = draw(st.sampled_from([None, 7, "", "nope", " x", "a\x00b", ["x"]]))
            if field == "id" and line[field] == "nope":
                line[field] = "nope "  # an id may be any other text
    elif choice == "township":
        field, line["township"] = "township", draw(st.sampled_from([other_township, unique("t")]))
    elif choice == "unsafe_id":
        field, line["id"] = "id", draw(unsafe_id())
    else:
        field = "title" if "title" in line else "area"
        line[field] = json.loads("[" * 50 + "1" + "]" * 50)
    return Spoilt(f"value:{choice}", encoded(lines), n + 1, field, lines)


@st.composite
def spoilt_history(draw, township: str) -> Spoilt:
    """A line the ledger refuses for what came before it: a follow-up of a missing or a
    retracted entry, an id used again with other values, a resolved dispute mediated."""
    lines = draw(good_file(township))
    choice = draw(
        st.sampled_from(["missing", "retracted", "other_values", "other_type", "resolved"])
    )
    first = lines[0]
    if choice == "missing":
        bad = good_line(
            township,
            draw(
                st.sampled_from(
                    [
                        "issue_rectified",
                        "dispute_mediated",
                        "hotline_case_answered",
                        "entry_retracted",
                    ]
                )
            ),
            unique("X"),
        )
    elif choice == "retracted":
        lines.append(good_line(township, "entry_retracted", first["id"]))
        bad = {**good_line(township, "entry_retracted", first["id"]), "reason": "再次"}
    elif choice == "other_values":
        bad = {**first, "occurred_on": "2024-03-06"}
    elif choice == "other_type":
        kind = "liaison_registered" if first["type"] != "liaison_registered" else "meeting_held"
        bad = good_line(township, kind, first["id"])
    else:
        lines.append(good_line(township, "dispute_registered", "D-" + first["id"]))
        lines.append(
            {**good_line(township, "dispute_mediated", "D-" + first["id"]), "outcome": "resolved"}
        )
        bad = {**lines[-1], "occurred_on": "2024-04-01"}
    lines.append(bad)  # after what it follows
    return Spoilt(f"history:{choice}", encoded(lines), len(lines), "id", lines)


@st.composite
def spoilt_bytes(draw, township: str) -> Spoilt:
    """A file whose bytes cannot be read as the interchange format: broken JSON, a BOM
    after the first line, GBK, a NUL byte, a line past 256 KiB, a number of 5,000 digits,
    a key given twice, JSON that is no object."""
    lines = draw(good_file(township))
    n = draw(st.integers(0, len(lines) - 1))
    text = [json.dumps(x, ensure_ascii=False) for x in lines]
    choice = draw(
        st.sampled_from(
            [
                "truncated",
                "trailing",
                "bom",
                "gbk",
                "nul",
                "huge",
                "digits",
                "twice",
                "array",
                "nan",
            ]
        )
    )
    if choice == "truncated":
        text[n] = text[n][: draw(st.integers(1, len(text[n]) - 1))]
    elif choice == "trailing":
        text[n] += draw(st.sampled_from(["}", "x", ",", " {}", "\x0b}"]))
    elif choice == "bom":
        n = max(n, 1) if len(lines) > 1 else n
        if n == 0:  # the first line may begin with a BOM: spoil it otherwise
            text[0] = "\ufeff\ufeff" + text[0]
        else:
            text[n] = "\ufeff" + text[n]
    elif choice == "gbk":
        # Every good line holds Chinese except a few types': put some on the spoilt line.
        text[n] = text[n][:-1] + ', "备注": "甲"}'
        n = next(i for i, t in enumerate(text) if not t.isascii())
        data = "".join(t + "\n" for t in text).encode("gbk")
        return Spoilt("bytes:gbk", data, n + 1, None, lines)
    elif choice == "nul":
        at = draw(st.integers(0, len(text[n])))
        data = [t.encode() for t in text]
        data[n] = data[n][:at] + b"\x00" + data[n][at:]
        return Spoilt("bytes:nul", b"".join(d + b"\n" for d in data), n + 1, None, lines)
    elif choice == "huge":
        text[n] = text[n][:-1] + ', "note": "' + "x" * (256 * 1024) + '"}'
    elif choice == "digits":
        text[n] = text[n][:-1] + ', "attendees": ' + "9" * 5_000 + "}"
    elif choice == "twice":
        text[n] = text[n][:-1] + ', "type": ' + json.dumps(lines[n]["type"]) + "}"
    elif choice == "array":
        text[n] = "[" + text[n] + "]"
    else:
        text[n] = text[n][:-1] + ', "attendees": NaN}'
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return Spoilt(f"bytes:{choice}", encoded(text, newline), n + 1, None, lines)


def spoilt_files(township: str, other_township: str) -> st.SearchStrategy[Spoilt]:
    return st.one_of(
        spoilt_value(township, other_township),
        spoilt_history(township),
        spoilt_bytes(township),
    )
