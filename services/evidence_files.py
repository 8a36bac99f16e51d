"""What may be attached as evidence, judged from the content, never from the name: a PDF, a
JPEG or PNG that decodes whole, a Word (.docx) or Excel (.xlsx) file whose ZIP unpacks within
limits and declares the right content type. Anything else is refused naming the field
``file``, before anything is stored.

The type is told by ``filetype`` (magic numbers); images are decoded whole with Pillow (a
truncated JPEG is refused), which also makes their thumbnails.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import filetype
from PIL import Image, ImageOps

from domain.errors import InvalidField
from domain.evidence import DOCX, JPEG, PDF, PNG, XLSX

FIELD = "file"
THUMBNAIL_SIZE = (320, 320)
THUMBNAIL_TYPE = JPEG
# A PDF ends with %%EOF (and perhaps a line end or a little padding) in its last bytes.
PDF_TAIL = 1024
# A ZIP (Word, Excel) is read within these limits: members, what they unpack to in all, and
# how much more than its compressed size one member may unpack to (a zip bomb: a few KB that
# unpack to gigabytes). An Office file's XML compresses 5 to 30 times.
ZIP_MEMBERS = 10_000
ZIP_UNPACKED = 200 * 2**20
ZIP_RATIO = 200
ZIP_SMALL = 2**20  # a member unpacking to less is small whatever its ratio
CONTENT_TYPES = "[Content_Types].xml"
CONTENT_TYPES_BYTES = 2**20
OFFICE_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ZIPS = frozenset({"application/zip", DOCX, XLSX})
OFFICE = "DOCX/XLSX"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


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
    """DOCX or XLSX, from the ZIP's declared content types, once every member has been read
    back whole within the limits; refused otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if CONTENT_TYPES not in names:  # a ZIP, but no Office file
                raise InvalidField(FIELD, "evidence.type_refused", name=name)
            read_within(archive, name, members=ZIP_MEMBERS, unpacked=ZIP_UNPACKED, ratio=ZIP_RATIO)
            with archive.open(CONTENT_TYPES) as member:
                declared = member.read(CONTENT_TYPES_BYTES + 1)
    except InvalidField:
        raise
    except Exception:  # whatever a damaged (or encrypted) ZIP makes zipfile or zlib raise
        raise InvalidField(FIELD, "evidence.damaged", name=name, kind=OFFICE) from None
    if len(declared) > CONTENT_TYPES_BYTES or b"<!DOCTYPE" in declared.upper():
        raise InvalidField(FIELD, "evidence.type_refused", name=name)  # no entity can expand
    try:
        overrides = ElementTree.fromstring(declared).iter(f"{_TYPES_NS}Override")
    except ElementTree.ParseError:
        raise InvalidField(FIELD, "evidence.damaged", name=name, kind=OFFICE) from None
    for override in overrides:
        media_type = OFFICE_MAIN.get(override.get("ContentType", ""))
        if media_type and override.get("PartName", "").lstrip("/") in names:
            return media_type
    raise InvalidField(FIELD, "evidence.type_refused", name=name)


def read_within(
    archive: zipfile.ZipFile, name: str, *, members: int, unpacked: int, ratio: int
) -> None:
    """Read every member of a ZIP back (checking its CRC) if the archive declares no more
    than ``members`` members unpacking to ``unpacked`` bytes in all, none but small ones
    more than ``ratio`` times its compressed size; refuse it otherwise, before unpacking
    anything. (A member never unpacks to more than it declares: ``zipfile`` stops there.)"""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if (
        len(infos) > members
        or total > unpacked
        or any(info.file_size > max(ZIP_SMALL, ratio * info.compress_size) for info in infos)
    ):
        raise InvalidField(FIELD, "evidence.unpacks_too_large", name=name, kind=OFFICE)
    for info in infos:
        with archive.open(info) as member:
            while member.read(2**20):
                pass
