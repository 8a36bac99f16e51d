"""How the report writes things: percentages and numbers as people write them, series of
clauses, points that run 一是…二是…, days and moments in the installation's local time, and
the township's own text with Chinese punctuation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.moments import parse_moment
from domain.moments import zone as installation_zone
from projections.report.model import Figure, Paragraph, Part, day
from projections.report.punctuation import chinese_punctuation

_BEIJING_OFFSET = timedelta(hours=8)
NUMERALS = "一二三四五六七八九十"


def numeral(n: int) -> str:
    """Chinese numerals one to ninety-nine: 一, 十, 十二, 二十三."""
    if not 1 <= n <= 99:
        raise ValueError(f"no numeral for {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else NUMERALS[tens - 1] + "十"
    return head + (NUMERALS[ones - 1] if ones else "")


def percent(numerator: int, denominator: int) -> str:
    """A share to one decimal, as people write it: 91.2%, 97%, 100%. Only all is 100% and
    only none is 0%: 9999 of 10000 is 99.9%, 1 of 20000 不足0.1%."""
    written = share_percent(Decimal(numerator) / Decimal(denominator))
    if written == "100%" and numerator != denominator:
        return "99.9%"
    if written == "0%" and numerator:
        return "不足0.1%"
    return written


def share_percent(share: Decimal | float) -> str:
    """A share (0.912) written as people write it: 91.2%; whole numbers without a decimal."""
    exact = Decimal(str(share)) if isinstance(share, float) else share
    rounded = (exact * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded.normalize():f}%"


def number(value: int) -> str:
    """A count as a report writes it: whole ten-thousands as 万 (40000 → 4万), else digits."""
    if value >= 10_000 and value % 10_000 == 0:
        return f"{value // 10_000}万"
    return str(value)


def local_time(moment: str | datetime, zone: tzinfo | None = None) -> str:
    """An ISO moment (``2025-01-15T00:00:00Z``) in ``zone`` (the installation's when none is
    given: domain/moments.py): 2025年1月15日8时00分, followed by （北京时间） when the zone
    keeps Beijing's time then."""
    if isinstance(moment, str):
        moment = parse_moment(moment, field="as_of")
    if moment.tzinfo is None:
        raise ValueError(f"the moment {moment.isoformat()} has no time zone")
    local = moment.astimezone(zone or installation_zone())
    named = "（北京时间）" if local.utcoffset() == _BEIJING_OFFSET else ""
    return f"{day(local.date())}{local.hour}时{local.minute:02d}分{named}"


def beijing_time(moment: str | datetime) -> str:
    """An ISO moment on the installation's clock: 2025年1月15日8时00分（北京时间） where it keeps
    Beijing's time."""
    return local_time(moment)


def flatten(items: Iterable[Any]) -> Iterator[Part]:
    for item in items:
        if item is None:
            continue
        if isinstance(item, str | Figure):
            yield item
        else:
            yield from flatten(item)


def para(*items: Any) -> Paragraph:
    """A paragraph from strings, Figures and (nested) lists of them; adjacent strings merge,
    None and empty strings are left out."""
    parts: list[Part] = []
    for part in flatten(items):
        if isinstance(part, str):
            if not part:
                continue
            if parts and isinstance(parts[-1], str):
                parts[-1] += part
                continue
        parts.append(part)
    return Paragraph(tuple(parts))


def series(clauses: Iterable[list[Part] | None], separator: str = "、") -> list[Part]:
    """The clauses that say something, joined by ``separator``."""
    out: list[Part] = []
    for clause in clauses:
        if clause:
            if out:
                out.append(separator)
            out.extend(clause)
    return out


def points(*found: list[Part] | None) -> tuple[Paragraph, ...]:
    """The points that say something, one paragraph each, numbered 一是, 二是 …"""
    said = [point for point in found if point]
    return tuple(para(f"{numeral(n)}是", point) for n, point in enumerate(said, 1))


def text_paragraphs(text: str | None) -> tuple[Paragraph, ...]:
    """The township's own text as paragraphs, one per non-empty line, its words as written
    and its punctuation Chinese (``punctuation.chinese_punctuation``)."""
    lines = (line.strip() for line in (text or "").splitlines())
    return tuple(Paragraph((chinese_punctuation(line),)) for line in lines if line)
