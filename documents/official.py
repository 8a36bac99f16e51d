"""What the official layout of a document (GB/T 9704) asks of every rendering of it."""

from __future__ import annotations

from projections.report import Signature


def signature_indents(signature: Signature) -> tuple[float, float]:
    """How far from the right margin the 落款's two lines end, in characters: the issuer two
    characters; the date so that it starts two characters right of where the issuer starts
    (a digit is half a character wide)."""
    issuer, issued = signature.lines()
    return 2.0, max(0.0, _width(issuer) - _width(issued))


def _width(text: str) -> float:
    return sum(0.5 if char.isascii() else 1.0 for char in text)
