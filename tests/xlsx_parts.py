"""Workbooks made part by part, as an attacker or a careless program would make them: the
ZIP and its XML written by hand (openpyxl refuses to write most of these)."""

from __future__ import annotations

import io
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{DOC}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Style 0 general, 1 a date (yyyy-mm-dd), 2 Chinese Excel's built-in 2024年3月5日 (31).
STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="31"/></cellXfs>'
    "</styleSheet>"
)


def workbook_xml(sheet: str = "登记", prolog: str = "", extra: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}">{extra}'
        f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def strings_xml(*texts: str) -> str:
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'


def text_row(number: int, *texts: str) -> str:
    """A row of inline strings, from column A."""
    cells = "".join(
        f'<c r="{_letter(n)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for n, text in enumerate(texts, start=1)
    )
    return f'<row r="{number}">{cells}</row>'


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def package(
    sheet: str | bytes | None = None,
    *,
    strings: str | bytes | None = None,
    workbook: str | bytes | None = None,
    styles: str | bytes | None = STYLES,
    parts: dict[str, str | bytes] | None = None,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    """An .xlsx file of these parts (None: the part is left out)."""
    given = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook if workbook is not None else workbook_xml(),
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(""),
        "xl/sharedStrings.xml": strings,
        "xl/styles.xml": styles,
        **(parts or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zipped:
        for name, data in given.items():
            if data is not None and name not in leave_out:
                zipped.writestr(name, data)
    return out.getvalue()


def row_bomb(rows: int = 30_000_000, *, declared: bool = True) -> bytes:
    """A few KB: a row 1 and one row far below it (and, declared, the dimension to match)."""
    body = text_row(1, "类型", "编号") + text_row(rows, "排查矛盾纠纷", "X-1")
    return package(sheet_xml(body, f"A1:E{rows}" if declared else None))


def strings_bomb(megabytes: int = 90) -> bytes:
    """About 200 KB that unpack to ``megabytes`` MB of shared strings."""
    one = "<si><t>" + "x" * 1000 + "</t></si>"
    items = one * (megabytes * 2**20 // len(one))
    shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'
    return package(sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), strings=shared)


def parts_bomb(parts: int = 100_000) -> bytes:
    """A ZIP of many empty entries: every one an object once the ZIP's directory is read."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zipped:
        for number in range(parts):
            zipped.writestr(str(number), b"")
    return out.getvalue()


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>'
)
XXE = '<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def malformed() -> dict[str, bytes]:
    """Every kind of damaged workbook the import must refuse (4xx), by name."""
    good_row = text_row(1, "类型", "编号")
    return {
        "truncated sheet": package(sheet_xml(good_row + text_row(2, "a", "b"))[:-60]),
        "billion laughs": package(
            workbook=workbook_xml(prolog=BILLION_LAUGHS, extra="<fileVersion appName='&lol9;'/>")
        ),
        "xxe": package(workbook=workbook_xml(prolog=XXE, extra="<fileVersion appName='&xxe;'/>")),
        "bad number": package(sheet_xml(good_row + '<row r="2"><c r="A2"><v>12abc</v></c></row>')),
        "not a number": package(sheet_xml(good_row + '<row r="2"><c r="A2"><v>NaN</v></c></row>')),
        "bad date": package(
            sheet_xml(good_row + '<row r="2"><c r="A2" s="1"><v>99999999999</v></c></row>')
        ),
        "bad iso date": package(
            sheet_xml(good_row + '<row r="2"><c r="A2" t="d"><v>2024-13-45</v></c></row>')
        ),
        "bad shared string": package(
            sheet_xml(good_row + '<row r="2"><c r="A2" t="s"><v>7</v></c></row>'),
            strings=strings_xml("只有一条"),
        ),
        "bad cell reference": package(
            sheet_xml(good_row + '<row r="2"><c r="2A" t="inlineStr"><is><t>x</t></is></c></row>')
        ),
        "cell of another row": package(
            sheet_xml(good_row + '<row r="2"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>')
        ),
        "rows out of order": package(sheet_xml(text_row(5, "a") + text_row(2, "b"))),
        "not a zip": b"this is not a workbook at all",
        "zip of something else": package(leave_out=("xl/workbook.xml",)),
        "no sheet part": package(leave_out=("xl/worksheets/sheet1.xml",)),
        "no sheet": package(
            workbook=f'<?xml version="1.0"?><workbook xmlns="{MAIN}"><sheets/></workbook>'
        ),
        "workbook not xml": package(workbook="this is not XML <<<"),
    }
