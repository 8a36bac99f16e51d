"""Why a township ranks where it does: each indicator's value, weight and contribution, and
its score quarter by quarter."""

from __future__ import annotations

from typing import Any

from domain.access import Principal
from domain.errors import NotFound
from domain.ranking import Standing, contributions
from projections.periods import Period
from services.rankings import Rankings
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy


class Breakdowns:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel, rankings: Rankings) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.rankings = rankings

    def breakdown(
        self, principal: Principal, *, county: str, township: str, period: str, as_of: Any = None
    ) -> dict[str, Any]:
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        return self.breakdown_of(principal, view, township=township, period=period, as_of=as_of)

    def breakdown_of(
        self,
        principal: Principal,
        view: CountyView,
        *,
        township: str,
        period: str,
        as_of: Any = None,
    ) -> dict[str, Any]:
        """``breakdown`` of a county resolved already for ``principal`` (the read model
        brought up to date)."""
        doc = self.rankings.ranked(principal, view, period=period, as_of=as_of)
        row = _row(doc, township)
        added = contributions(Standing(row["township"], row["score"], row["indicators"]))
        directions = {w["figure"]: w["direction"] for w in doc["weights"]}
        return {
            **{k: row[k] for k in ("township", "name", "rank", "score")},
            "county": doc["county"],
            "period": doc["period"],
            "as_of": doc["as_of"],
            "formula": doc["formula"],
            "of": len(doc["townships"]),
            "indicators": [
                {
                    "figure": figure,
                    "direction": directions[figure],
                    "contribution": added[figure],
                    **part,
                }
                for figure, part in row["indicators"].items()
            ],
        }

    def trend(
        self, principal: Principal, *, county: str, township: str, period: str
    ) -> list[dict[str, Any]]:
        """The township's score and rank in each quarter of ``period``'s year."""
        year = Period.parse(period).start.year  # a period out of range is refused, naming it
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        out = []
        for quarter in range(1, 5):
            period = f"{year}-Q{quarter}"
            doc = self.rankings.ranked(principal, view, period=period)
            row = _row(doc, township)
            out.append({"period": period, "score": row["score"], "rank": row["rank"]})
        return out


def _row(doc: dict[str, Any], township: str) -> dict[str, Any]:
    for row in doc["townships"]:
        if row["township"] == township:
            return row
    raise NotFound("township.not_found", field="township", code=township)
