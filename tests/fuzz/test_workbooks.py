"""Generated workbooks under fuzz (issue 24), on SQLite and PostgreSQL: damaged packages, parts
of random XML, cells of every kind with any reference, style or value, and bombs (rows,
columns, dimensions, shared strings), each sent to ``POST /api/v1/imports`` and the import
page. Nothing answers 500; a damaged or oversized workbook is a 4xx with the error document
(the API) naming the file, and nothing is recorded then. ``LEDGER_FUZZ_EXAMPLES`` sets how
many workbooks each test draws."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_size
from tests.fuzz.world import User, World
from tests.xlsx_parts import MAIN, package, parts_bomb, sheet_xml, strings_xml, text_row
from web.workbooks import XLSX

EXAMPLES = fuzz_size("LEDGER_FUZZ_EXAMPLES", 40)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
)
TAGS = ("row", "c", "v", "is", "t", "r", "si", "rPh", "sheet", "sheets", "sheetData",
        "dimension", "workbookPr", "xf", "cellXfs", "numFmt", "Relationship")  # fmt: skip
ATTRIBUTES = ("r", "t", "s", "ref", "name", "Id", "Target", "Type", "numFmtId", "formatCode")
ODD = ("A1", "ZZZZ9", "2A", "A0", "$A$1", "XFD1048576", "inlineStr", "s", "n", "b", "d", "e",
       "str", "31", "164", "1e308", "NaN", "-1", "²", "", "worksheets/sheet1.xml")  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(ODD),
    st.integers(-(2**40), 2**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=12),
)


def clean(text: str) -> str:
    """Text XML can hold (the generator spoils the structure, not the encoding)."""
    return "".join(c for c in text if c in "\t\n\r" or 0x20 <= ord(c) < 0xD800 or c > "\ue000")


def elements() -> st.SearchStrategy[str]:
    def tag(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda name, attributes, inner: (
                f"<{name}"
                + "".join(f" {k}={quoteattr(clean(v))}" for k, v in attributes.items())
                + f">{''.join(inner)}</{name}>"
            ),
            st.sampled_from(TAGS),
            st.dictionaries(st.sampled_from(ATTRIBUTES), VALUES, max_size=3),
            st.lists(children, max_size=4),
        )

    return st.recursive(VALUES.map(lambda v: escape(clean(v))), tag, max_leaves=30)


@st.composite
def cells(draw) -> str:
    """A row of cells of any kind, style and reference (a sheet Excel would not write)."""
    row = draw(st.integers(1, 60_000))
    found = []
    for _ in range(draw(st.integers(1, 5))):
        ref = draw(
            st.one_of(
                st.sampled_from(ODD), st.builds(lambda c: f"{c}{row}", st.sampled_from("ABCZ"))
            )
        )
        kind = draw(st.sampled_from(["n", "s", "b", "d", "e", "str", "inlineStr", "x"]))
        style = draw(st.sampled_from(["", ' s="1"', ' s="2"', ' s="99"', ' s="x"']))
        value = escape(clean(draw(VALUES)))
        body = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
        found.append(f'<c r="{ref}" t="{kind}"{style}>{body}</c>')
    return sheet_xml(text_row(1, "类型", "编号") + f'<row r="{row}">{"".join(found)}</row>')


@st.composite
def damaged(draw) -> bytes:
    """A good small workbook, spoilt one way."""
    rows = text_row(1, "类型", "编号", "发生日期") + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    good = package(sheet_xml(rows), strings=strings_xml("排查矛盾纠纷"))
    way = draw(st.sampled_from(["truncated", "byte", "part", "left out", "cells", "deep"]))
    if way == "truncated":
        return good[: draw(st.integers(0, len(good) - 1))]
    if way == "byte":
        at = draw(st.integers(0, len(good) - 1))
        return good[:at] + bytes([good[at] ^ draw(st.integers(1, 255))]) + good[at + 1 :]
    if way == "left out":
        return package(leave_out=tuple(draw(st.lists(st.sampled_from(PARTS), min_size=1))))
    if way == "cells":
        return package(draw(cells()), strings=strings_xml("一", "二"))
    if way == "deep":  # elements in elements, as deep as one likes: counted, never recursed
        depth = draw(st.integers(1, 100_000))
        return package(sheet_xml("<row>" + "<x>" * depth + "</x>" * depth + "</row>"))
    name = draw(st.sampled_from(PARTS))
    root = draw(st.sampled_from(["worksheet", "workbook", "sst", "styleSheet", "Relationships"]))
    body = draw(st.lists(elements(), max_size=5))
    xml = f'<?xml version="1.0"?><{root} xmlns="{MAIN}">{"".join(body)}</{root}>'
    return package(parts={name: draw(st.sampled_from([xml, xml[: len(xml) // 2], "<"]))})


@st.composite
def bombs(draw) -> bytes:
    """A workbook past a limit: rows, columns, dimension, cells or shared strings."""
    way = draw(st.sampled_from(["row", "dimension", "column", "strings", "parts"]))
    if way == "parts":
        return parts_bomb(draw(st.integers(501, 3000)))
    if way == "row":
        body = text_row(1, "类型") + text_row(draw(st.integers(50_001, 2**31)), "x")
        return package(sheet_xml(body))
    if way == "dimension":
        ref = draw(st.sampled_from(["A1:E30000000", "A1:XFD1", "A1:XFD1048576"]))
        return package(sheet_xml(text_row(1, "类型"), ref))
    if way == "column":
        column = draw(st.sampled_from(["GS", "ZZ", "XFD", "AAA"]))
        cell = f'<c r="{column}1" t="inlineStr"><is><t>x</t></is></c>'
        return package(sheet_xml(f'<row r="1">{cell}</row>'))
    megabytes = draw(st.integers(17, 40))
    item = "<si><t>" + "x" * 4000 + "</t></si>"
    shared = strings_xml().replace("</sst>", item * (megabytes * 2**20 // len(item)) + "</sst>")
    return package(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=shared)


def clerk_of(world: World) -> User:
    return next(u for u in world.users if u.role == "clerk")


def sent(world: World, data: bytes, *, refused: bool) -> None:
    """Through the API and the page: never a 500; refused (4xx), the error document naming
    the file, when ``refused``; nothing recorded unless the workbook was taken."""
    clerk = clerk_of(world)
    before = world.position()
    api = clerk.api.post(
        "/api/v1/imports",
        data=data,
        content_type=XLSX,
        headers={"Authorization": f"Bearer {clerk.token}"},
    )
    page = clerk.upload(data, "entries.xlsx")
    assert api.status_code < 500 and page.status_code < 500, (api.status_code, api.data[:300])
    if api.status_code >= 400:
        error = api.get_json()["error"]
        assert set(error) >= {"code", "message", "field", "line"}, error
        assert page.status_code >= 400
        assert world.position() == before
    if refused:
        assert api.status_code == 422 and page.status_code == 400
        assert api.get_json()["error"]["field"] == "file"


@FUZZ
@given(data=damaged())
def test_a_damaged_workbook_never_answers_500(world, data):
    sent(world, data, refused=False)


@settings(FUZZ, max_examples=max(5, EXAMPLES // 4))
@given(data=bombs())
def test_a_bomb_is_refused_naming_the_file(world, data):
    sent(world, data, refused=True)
