"""Reading the figures document into the report's Figure parts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.report.model import Figure, Part
from projections.report.phrasing import number, percent


class Reader:
    """The figures document of one township and year, read as the report needs it: counts
    as Figures, rates as percentages, clauses that exist only when their count is not zero.
    Also how the township speaks of itself (镇级/全镇, 乡级/全乡, 街道本级/全街道)."""

    def __init__(self, figures: Mapping[str, Any], township_name: str) -> None:
        self.figures = figures
        if township_name.endswith("街道"):
            self.level, self.whole = "街道本级", "全街道"
        elif township_name.endswith("乡"):
            self.level, self.whole = "乡级", "全乡"
        else:
            self.level, self.whole = "镇级", "全镇"

    def get(self, path: str) -> Any:
        node: Any = self.figures
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                raise ValueError(f"the figures document lacks {path!r}")
            node = node[key]
        return node

    def n(self, path: str) -> int:
        value = self.get(path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"figure {path!r} must be a count (int ≥ 0), got {value!r}")
        return value

    def fig(self, path: str) -> Figure:
        value = self.n(path)
        return Figure(path, value, number(value))

    def counted(self, path: str, before: str = "", after: str = "") -> list[Part] | None:
        """``before{n}after`` when the count is not zero, else None."""
        figure = self.fig(path)
        return [before, figure, after] if figure.value else None

    def rate(self, name: str) -> Figure | None:
        """The rate as a percentage (91.2%, 100%), or None when its denominator is 0."""
        path = f"rates.{name}"
        numerator = self.n(f"{path}.numerator")
        denominator = self.n(f"{path}.denominator")
        if denominator == 0:
            return None
        return Figure(path, self.get(path).get("value"), percent(numerator, denominator))

    def rated(self, name: str, before: str) -> list[Part] | None:
        """``before`` and the rate, or None when the rate has no data (its denominator is 0):
        a rate without data is never written, neither as 0% nor as 100%."""
        figure = self.rate(name)
        return [before, figure] if figure else None

    def laws(self, kind: str) -> list[str]:
        """The distinct titles studied in sessions of ``kind``, each in 《》."""
        titles: list[str] = []
        for law in self.get(f"sessions.{kind}").get("laws") or []:
            title = str(law).strip()
            if title and not title.startswith("《"):
                title = f"《{title}》"
            if title and title not in titles:
                titles.append(title)
        return titles
