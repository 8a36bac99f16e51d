"""Files to attach as evidence in the tests, made here: a PDF, a photo (JPEG), a PNG, a Word
and an Excel file opened back by their libraries, and the files that must be refused."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl
from PIL import Image

MIB = 2**20


def pdf(text: str = "minutes of the meeting") -> bytes:
    """A one-page PDF (its cross-reference table's offsets worked out)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)


def photo(size: tuple[int, int] = (1200, 900), colour: str = "seagreen") -> bytes:
    image = Image.new("RGB", size, colour)
    for x in range(0, size[0], 40):  # something to see in the thumbnail
        for y in range(size[1] // 3, size[1] // 2):
            image.putpixel((x, y), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def png(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (200, 30, 30, 128)).save(out, "PNG")
    return out.getvalue()


def word(text: str = "调解协议书") -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "签到表"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def executable() -> bytes:
    """A Windows executable's first bytes (MZ, the PE header's offset), as a renamed .pdf."""
    header = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x80\x00\x00\x00")
    return bytes(header) + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 2000


def truncated_jpeg() -> bytes:
    whole = photo()
    return whole[: len(whole) * 2 // 3]


def zip_bomb() -> bytes:
    """A Word file's shape whose one member unpacks to 1000 times its compressed size."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(word())).read(
            "[Content_Types].xml"))  # fmt: skip
        archive.writestr("word/document.xml", b"\x00" * (50 * MIB))
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "not an office file")
    return out.getvalue()


def larger_than(limit: int) -> bytes:
    """A PDF of more than ``limit`` bytes."""
    body = pdf()
    return body[:-6] + b"%" + b"0" * (limit + 1 - len(body)) + b"\n%%EOF\n"


def many_parts(count: int = 20_000) -> bytes:
    """A Word file's shape with more parts than any Office file has (a ZIP whose entries alone
    would cost its reader seconds)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", zipfile.ZipFile(io.BytesIO(word())).read(
            "[Content_Types].xml"))  # fmt: skip
        for n in range(count):
            archive.writestr(f"p/{n}", b"")
    return out.getvalue()
