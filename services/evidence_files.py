"""What may be attached as evidence, judged from the content, never from the name: a PDF, a
JPEG or PNG that decodes whole, a Word (.docx) or Excel (.xlsx) file whose ZIP unpacks within
limits and declares the right content type. Anything else is refused naming the field
``file``, before anything is stored.

The type is told by ``filetype`` (magic numbers); images are decoded whole with Pillow (a
truncated JPEG is refused), which also makes their thumbnails; a Word or Excel file is read
with the workbooks' bounded package reader (spreadsheets/package.py).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps

from domain.errors import InvalidField
from domain.evidence import DOCX, JPEG, PDF, PNG, XLSX
from spreadsheets.limits import Limits
from spreadsheets.package import START, Package, WorkbookRefused

FIELD = "file"
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_TYPE = JPEG
# A PDF ends with %%EOF (and perhaps a line end or a little padding) in its last bytes.
PDF_TAIL = 1024
# A ZIP (Word, Excel) is read within these limits: its parts, what they unpack to (one, and
# all together), and how much more than its packed size a part past 1 MiB may unpack to (a
# zip bomb: a few KB that unpack to gigabytes; an Office file's XML packs 5 to 30 times).
OFFICE_LIMITS = Limits(
    parts=10_000, part_bytes=100 * 2**20, package_bytes=200 * 2**20, ratio=200, ratio_from=2**20
)
TOO_LARGE = frozenset(
    {"workbook.too_many_parts", "workbook.too_large", "workbook.packed_too_tightly"}
)
CONTENT_TYPES = "[Content_Types].xml"
OFFICE_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ZIPS = frozenset({"application/zip", DOCX, XLSX})
OFFICE = "DOCX/XLSX"


@dataclass(frozen=True)
class Judged:
    media_type: str
    thumbnail: bytes | None = None  # a JPEG, for an image


def judge(data: bytes, name: str) -> Judged:
    """The file's media type (and an image's thumbnail), or InvalidField naming the field
    ``file`` and the file (``name``)."""
    if not data:
        raise InvalidField(FIELD, "evidence.empty", name=name)
    guessed = filetype.guess_mime(data)
    if guessed == PDF:
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise InvalidField(FIELD, "evidence.damaged", name=name, kind="PDF")
        return Judged(PDF)
    if guessed in (JPEG, PNG):
        return Judged(guessed, decoded_thumbnail(data, guessed, name))
    if guessed in ZIPS:
        return Judged(office_type(data, name))
    raise InvalidField(FIELD, "evidence.type_refused", name=name)


def decoded_thumbnail(data: bytes, media_type: str, name: str) -> bytes:
    """Decode the image whole (refusing one cut short or damaged, and one of more pixels than
    Pillow's decompression-bomb limit), and make its thumbnail, turned as its EXIF says."""
    kind = "JPEG" if media_type == JPEG else "PNG"
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                image.load()
                return _thumbnail(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidField(FIELD, "evidence.unpacks_too_large", name=name, kind=kind) from None
        except Exception:  # whatever a damaged image makes the decoder raise
            raise InvalidField(FIELD, "evidence.damaged", name=name, kind=kind) from None


def _thumbnail(image: Image.Image) -> bytes:
    shown = ImageOps.exif_transpose(image)
    if shown.mode != "RGB":
        rgba = shown.convert("RGBA")
        shown = Image.new("RGB", rgba.size, "white")
        shown.paste(rgba, mask=rgba.getchannel("A"))
    shown.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    shown.save(out, "JPEG", quality=80)
    return out.getvalue()


def office_type(data: bytes, name: str) -> str:
    """DOCX or XLSX, from the ZIP's declared content types, read with the bounded package
    reader of the workbooks (spreadsheets/package.py: the entries counted before the ZIP is
    opened, each part's size and packing checked before it is read, XML without DTD), once
    every part has been read back whole (its CRC checked); refused otherwise."""
    try:
        package = Package(data, OFFICE_LIMITS)
        if not package.has(CONTENT_TYPES):  # a ZIP, but no Office file
            raise InvalidField(FIELD, "evidence.type_refused", name=name)
        for part in package.members:
            with package.open(part) as member:
                while member.read(2**20):
                    pass
        package.read = 0  # each part once more, for its declared types below
        declared = [
            (attributes.get("ContentType", ""), attributes.get("PartName", ""))
            for event, tag, attributes in package.events(CONTENT_TYPES)
            if event == START and tag == "Override"
        ]
        names = set(package.members)
    except WorkbookRefused as refused:
        said = {"name": name, "kind": OFFICE}
        if refused.code in TOO_LARGE:
            raise InvalidField(FIELD, "evidence.unpacks_too_large", **said) from None
        raise InvalidField(FIELD, "evidence.damaged", **said) from None
    except InvalidField as refused:
        if refused.code and refused.code.startswith("evidence."):
            raise
        raise InvalidField(FIELD, "evidence.damaged", name=name, kind=OFFICE) from None
    except Exception:  # whatever a damaged (or encrypted) part makes zipfile or zlib raise
        raise InvalidField(FIELD, "evidence.damaged", name=name, kind=OFFICE) from None
    for content_type, part in declared:
        media_type = OFFICE_MAIN.get(content_type)
        if media_type and part.lstrip("/") in names:
            return media_type
    raise InvalidField(FIELD, "evidence.type_refused", name=name)
