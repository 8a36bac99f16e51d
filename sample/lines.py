"""Sample data as lines of the interchange format (DOMAIN.md), for the demo, the tests and
the benchmarks.

Every line is a plain dict, one JSON object per line once written with `write_jsonl`.
All functions are pure and deterministic: each draws from its own `random.Random`, seeded
from its arguments, never from the global generator.

- `seed_lines`: the seed town's 2024, whose figures equal the seed report exactly;
- `township_lines`: a plausible, different township's year drawn around the seed's counts;
- `demo_lines`: a sample county (`DEMO_COUNTY`, `DEMO_TOWNSHIPS`) for the `demo` command;
- `bulk_lines`: many valid lines quickly, for benchmarks.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from os import PathLike

from sample.plans import SEED_PLAN, drawn_plan
from sample.year import Line, year_lines

DEMO_COUNTY = ("gongliuxian", "巩留县")
DEMO_TOWNSHIPS = [
    ("gongliu", "巩留镇"),
    ("agaersen", "阿尕尔森镇"),
    ("kuerdening", "库尔德宁镇"),
    ("mohetai", "莫合台镇"),
    ("dongmaili", "东买里镇"),
]
_DEMO_SCALES = {"agaersen": 0.8, "kuerdening": 0.5, "mohetai": 1.2, "dongmaili": 0.3}


def seed_lines(township: str = "gongliu", year: int = 2024) -> list[Line]:
    """The seed town's year: its figures equal the seed report's exactly."""
    return year_lines(township, year, SEED_PLAN, random.Random(f"seed:{township}:{year}"))


def township_lines(township: str, year: int, seed: int, scale: float = 1.0) -> list[Line]:
    """A plausible township's year, its counts drawn around the seed's times `scale`."""
    rng = random.Random(f"{township}:{year}:{seed}")
    return year_lines(township, year, drawn_plan(rng, scale), rng)


def demo_lines(year: int = 2024) -> list[Line]:
    """The demo county's townships: the seed town plus drawn ones of various sizes."""
    lines = seed_lines(DEMO_TOWNSHIPS[0][0], year)
    for seed, (code, _name) in enumerate(DEMO_TOWNSHIPS[1:], start=1):
        lines += township_lines(code, year, seed, _DEMO_SCALES[code])
    return lines


_LINES_AT_SCALE_ONE = 2250  # a drawn township's year holds this many lines, give or take 7%


def bulk_lines(
    townships: list[str], lines_per_township: int, year: int = 2024, seed: int = 0
) -> Iterator[Line]:
    """`lines_per_township` valid lines per township (a few fewer for tiny counts): a drawn
    year sized to hold a little more, cut short at the end, so every follow-up is kept after
    its entry."""
    scale = 1.25 * lines_per_township / _LINES_AT_SCALE_ONE
    for township in townships:
        yield from township_lines(township, year, seed, scale)[:lines_per_township]


def write_jsonl(path: str | PathLike[str], lines: Iterable[Line]) -> int:
    """Write `lines` as UTF-8 JSON Lines; return how many were written."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    return written
