"""A township's figures over quarters and years, each beside the same period a year before
(its direction of travel: up, down, same, or none when either side has no data)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from domain.access import Principal
from domain.errors import InvalidField
from domain.figure_names import RATES
from domain.ranking import DEFAULT_INDICATORS
from domain.values import FIRST_DAY, last_year
from projections.figures import rate
from services.catalogue import rankable_figures
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy, TownshipView

MOST_YEARS = 10  # years one answer spans: 50 periods (55 with the year before), one read
QUARTERS = ("Q1", "Q2", "Q3", "Q4")


def periods_of(first: int, last: int) -> list[str]:
    """The periods from ``first`` to ``last``: each year's quarters, then the year."""
    return [p for y in range(first, last + 1) for p in (*(f"{y}-{q}" for q in QUARTERS), str(y))]


def year_before(period: str) -> str:
    year, dash, quarter = period.partition("-")
    return f"{int(year) - 1}{dash}{quarter}"


def direction(value: float | None, previous: float | None) -> str | None:
    """up, down or same against the value a year before; None when either has no data."""
    if value is None or previous is None:
        return None
    return "up" if value > previous else "down" if value < previous else "same"


def value_of(figure: str, counts: Counter[str]) -> float | None:
    """A figure's value in a period's tallies: a count (0 when the period holds other counts),
    a rate's value (None when its denominator is 0); None when the period counts nothing."""
    if not +counts:
        return None
    if figure.startswith("rates."):
        numerator, denominator = RATES[figure.removeprefix("rates.")]
        return rate(counts[numerator], counts[denominator])["value"]
    return counts[figure]


class Trends:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel) -> None:
        self.tenancy = tenancy
        self.read_model = read_model

    def trends(
        self,
        principal: Principal,
        *,
        township: str,
        first: int,
        last: int,
        figure: str | None = None,
    ) -> dict[str, Any]:
        """Every rankable figure (or ``figure`` alone) of the township in each period from
        ``first`` to ``last`` (at most ``MOST_YEARS`` years), read from the tallies."""
        view = self.tenancy.township(principal, township)
        county = self.tenancy.county_of(view)
        self.read_model.before_read()
        return self.trends_of(view, county, first=first, last=last, figure=figure)

    def trends_of(
        self,
        view: TownshipView,
        county: CountyView,
        *,
        first: Any,
        last: Any,
        figure: str | None = None,
    ) -> dict[str, Any]:
        """``trends`` of a township and its county resolved already (the read model brought
        up to date)."""
        first, last = checked_years(first, last)
        chosen = checked_figure(figure)
        periods = periods_of(first, last)
        wanted = [
            p for p in [*periods_of(first - 1, first - 1), *periods] if int(p[:4]) >= FIRST_DAY.year
        ]
        counts = self.read_model.township_tallies(view.code, wanted)
        better = {i["figure"]: i["direction"] for i in county.indicators_at() or DEFAULT_INDICATORS}
        figures = []
        for name in chosen:
            cells = []
            for period in periods:
                value = value_of(name, counts[period])
                previous = value_of(name, counts.get(year_before(period), Counter()))
                cells.append(
                    {
                        "period": period,
                        "value": value,
                        "previous": previous,
                        "direction": direction(value, previous),
                    }
                )
            figures.append({"figure": name, "better": better.get(name), "values": cells})
        return {"township": view.code, "name": view.name, "periods": periods, "figures": figures}


def default_years(first: Any, last: Any, shown: int) -> tuple[Any, Any]:
    """The years asked for (None: not given): by default ``shown`` and the year before. A
    year given otherwise than as a number goes on as given, for ``checked_years`` to refuse
    naming its field."""
    if last is None:
        last = shown
    if first is None:
        first = max(last - 1, FIRST_DAY.year) if isinstance(last, int) else shown
    return first, last


def checked_years(first: Any, last: Any) -> tuple[int, int]:
    """``first`` a year from 1949 to the last worth asking about; ``last`` from ``first`` to
    ``MOST_YEARS`` - 1 after it; else refused naming ``from`` or ``to``."""
    most = last_year()
    first = _year("from", first, FIRST_DAY.year, most)
    return first, _year("to", last, first, min(most, first + MOST_YEARS - 1))


def _year(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidField(field, "year.out_of_range", first=low, last=high, got=value)
    return value


def checked_figure(figure: str | None) -> tuple[str, ...]:
    known = rankable_figures()
    if figure is None:
        return known
    if figure not in known:
        raise InvalidField("figure", "indicators.not_rankable", figure=figure)
    return (figure,)
