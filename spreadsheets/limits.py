"""How much of a workbook is read: decided before anything is parsed.

A workbook is a ZIP of XML parts. What it declares (a part's unpacked size, a sheet's
dimension, a row's number) is checked before the part is read, and what it holds (rows, cells,
shared strings, XML elements) is counted as it is read; reading stops at the first limit passed.
Past them, a file is refused: nothing a township types into Excel comes near them.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 2**20


@dataclass(frozen=True)
class Limits:
    # The package: its parts, and how far each may unpack.
    parts: int = 500
    part_bytes: int = 32 * MiB  # one part (a sheet's XML), unpacked
    package_bytes: int = 64 * MiB  # every part read, together
    # Unpacked / packed, for parts larger than ``ratio_from``: Excel's XML packs 5 to 20
    # times; a bomb hundreds of times.
    ratio: int = 100
    ratio_from: int = 1 * MiB
    # The sheet.
    rows: int = 50_000  # the last row number that may hold anything
    columns: int = 200  # the last column (GR)
    cells: int = 1_000_000
    elements: int = 4_000_000  # XML elements of one part (rows, cells, runs of text…)
    # The shared strings every text cell points into (read whole, before the first row).
    strings: int = 300_000
    strings_bytes: int = 16 * MiB
    text: int = 32_767  # characters of one cell (Excel's own limit)


LIMITS = Limits()
