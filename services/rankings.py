"""A county's ranking indicators, and its townships ranked by them (DOMAIN.md "Ranking")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict

from domain.access import Principal
from domain.errors import InvalidField
from domain.figure_names import RATES
from domain.groups import group_of, groups_at
from domain.moments import parse_moment, stamp
from domain.ranking import DEFAULT_INDICATORS, FORMULA, MAX_WEIGHT, counted, score
from domain.tenancy import county_uuid
from projections.as_of import counts_as_of
from projections.figures import rate
from projections.gc import pause_gc
from projections.periods import Period
from services.application import LedgerApplication
from services.quality import Quality
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy
from services.trail import Trail

__all__ = ["MAX_WEIGHT", "RankingDocument", "Rankings"]  # MAX_WEIGHT: the pages state it


class RankedTownship(TypedDict):
    """One township's place: ``rank`` and ``score`` are None when it has no data."""

    township: str
    name: str
    rank: int | None
    score: float | None
    indicators: dict[str, Any]
    # The data-quality rules its period breaks (services/quality.py), when asked for.
    flags: NotRequired[list[str]]
    # Its peer group then (None: in none) and its rank within it, when asked for.
    group: NotRequired[str | None]
    group_rank: NotRequired[int | None]


class RankingDocument(TypedDict):
    """The county's townships ranked for a period as of a moment, with the indicators
    (``weights``) and the ``formula`` that made the scores."""

    county: str
    period: str
    as_of: str
    weights: list[dict[str, Any]]
    formula: str
    townships: list[RankedTownship]
    group: NotRequired[str]  # the peer group ranked, when one was


class Rankings:
    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        read_model: ReadModel,
        trail: Trail | None = None,
        quality: Quality | None = None,
    ) -> None:
        self.app = app
        self.tenancy = tenancy
        self.read_model = read_model
        self.trail = trail  # records auditors' queries as of a moment
        self.quality = quality or Quality(app, tenancy, read_model)

    def indicators(
        self, principal: Principal, *, county: str, as_of: Any = None
    ) -> list[dict[str, Any]]:
        """The indicators in force for the county at ``as_of`` (now): its own, or the defaults."""
        view = self.tenancy.county(principal, county)
        return _in_force(view, parse_moment(as_of))

    def set_indicators(
        self, principal: Principal, *, county: str, indicators: list[dict]
    ) -> list[dict]:
        """Set the county's indicators (figure, direction, weight); returns them as kept."""
        view = self.tenancy.county(principal, county)
        principal.check_sets_indicators()
        record = self.app.repository.get(county_uuid(view.code))
        record.set_indicators(indicators)
        self.app.save(record)
        return record.indicators_in_force()

    def indicators_of(self, view: CountyView, group: str | None = None) -> list[dict[str, Any]]:
        """The indicators a ranking of now counts by, of a county resolved already:
        ``group``'s own, else the county's (refused naming ``group`` when no peer group of
        that name is in force); what the indicators page shows."""
        county = _in_force(view, None)
        if group is None:
            return county
        return _of_group(_group(self.groups_of(view), group), county)

    def groups(self, principal: Principal, *, county: str, as_of: Any = None) -> list[dict]:
        """The county's peer groups in force at ``as_of`` (now), domain/groups.py."""
        view = self.tenancy.county(principal, county)
        return self.groups_of(view, parse_moment(as_of))

    def groups_of(self, view: CountyView, moment: datetime | None = None) -> list[dict]:
        """``groups`` of a county resolved already."""
        return groups_at(view.group_history, moment)

    def set_groups(self, principal: Principal, *, county: str, groups: Any) -> list[dict]:
        """Set all the county's peer groups (an empty list ends them); returns them as kept."""
        view = self.tenancy.county(principal, county)
        principal.check_sets_groups()
        record = self.app.repository.get(county_uuid(view.code))
        if record.set_groups(groups):
            self.app.save(record)
        return groups_at(record.group_history)

    def ranking(
        self,
        principal: Principal,
        *,
        county: str,
        period: str,
        as_of: Any = None,
        indicators: list[dict] | None = None,
        with_flags: bool = False,
        group: str | None = None,
        with_groups: bool = False,
    ) -> RankingDocument:
        """The county's townships ranked for ``period``, by the indicators in force at
        ``as_of`` (the county's, or the defaults), or by ``indicators`` when given (a
        publication's: would its weights still give its ranks?); ``with_flags``: each
        township's data-quality flags beside its rank (what the pages and the API show; a
        publication freezes the ranks alone). ``group``: the townships of that peer group
        alone, ranked by its indicators (else the county's), the groups as they were at
        ``as_of``; ``with_groups``: each township's group and its rank within it beside its
        rank overall (docs/figures.md "Peer groups")."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        return self.ranked(
            principal,
            view,
            period=period,
            as_of=as_of,
            indicators=indicators,
            with_flags=with_flags,
            group=group,
            with_groups=with_groups,
        )

    def ranked(
        self,
        principal: Principal,
        view: CountyView,
        *,
        period: str,
        as_of: Any = None,
        indicators: list[dict] | None = None,
        with_flags: bool = False,
        group: str | None = None,
        with_groups: bool = False,
    ) -> RankingDocument:
        """``ranking`` of a county resolved already for ``principal`` (the read model brought
        up to date)."""
        with pause_gc():  # short-lived objects by the ten thousand: no cycles to find
            doc = self._ranking(principal, view, period, as_of, indicators, group, with_groups)
        if with_flags:
            found = self.quality.flags(view, Period.parse(period), parse_moment(as_of))
            for row in doc["townships"]:
                row["flags"] = [flag.rule for flag in found[row["township"]]]
        return doc

    def _ranking(
        self,
        principal: Principal,
        view: CountyView,
        period: str,
        as_of: Any,
        chosen: Any,
        group: str | None,
        with_groups: bool,
    ) -> RankingDocument:
        span = Period.parse(period)
        moment = parse_moment(as_of)
        groups = groups_at(view.group_history, moment)
        ranked = _group(groups, group) if group is not None else None
        if moment is not None and self.trail is not None:
            action = f"ranking of {span.key} as of {stamp(moment)}"
            if ranked is not None:
                action += f" in group {ranked['name']}"
            self.trail.note(principal, county=view.code, action=action, subject=view.code)
        indicators = _in_force(view, moment) if chosen is None else counted(chosen)
        townships = view.townships
        if ranked is not None:
            members = set(ranked["townships"])
            townships = tuple(t for t in view.townships if t in members)
            indicators = _of_group(ranked, indicators) if chosen is None else indicators
        within = groups if with_groups and ranked is None else []
        every = [*indicators, *(i for g in within for i in _of_group(g, indicators))]
        counts = self._counts(townships, span, moment, every)
        # The county's townships are the principal's to see: the county is.
        names = {t.code: t.name for t in self.tenancy.known_townships(townships)}
        rows: list[RankedTownship] = [
            {
                "township": s.township,
                "name": names[s.township],
                "rank": s.rank,
                "score": s.score,
                "indicators": s.indicators,
            }
            for s in _standings(indicators, townships, counts)
        ]
        if within:
            _add_group_ranks(rows, within, indicators, counts)
        doc: RankingDocument = {
            "county": view.code,
            "period": span.key,
            "as_of": stamp(moment or datetime.now(UTC)),
            "weights": indicators,
            "formula": FORMULA,
            "townships": rows,
        }
        if ranked is not None:
            doc["group"] = ranked["name"]
        return doc

    def _counts(
        self,
        townships: Sequence[str],
        span: Period,
        moment: datetime | None,
        indicators: list[dict],
    ) -> dict[str, Counter[str]]:
        """Each township's counts: the live tallies for now; for an earlier moment, the
        tallies corrected by what was recorded since (projections/as_of.py)."""
        if moment is None:
            return self.read_model.tallies(townships, span.key, _figures_of(indicators))
        return counts_as_of(self.read_model, townships, span, moment, _figures_of(indicators))


def _standings(indicators: list[dict], townships: Sequence[str], counts):
    values = {t: _indicator_values(indicators, counts[t]) for t in townships}
    return score(indicators, values)


def _group(groups: list[dict], name: str) -> dict[str, Any]:
    """The group of that name among the groups in force, else a refusal naming ``group``."""
    for group in groups:
        if group["name"] == name:
            return group
    raise InvalidField("group", "group.unknown", name=name)


def _of_group(group: dict[str, Any], county: list[dict]) -> list[dict]:
    """A group's indicators as a ranking counts them, or the county's when it has none."""
    return counted(group["indicators"]) if "indicators" in group else county


def _add_group_ranks(
    rows: list[RankedTownship], groups: list[dict], county: list[dict], counts
) -> None:
    """Each row's group (None: in none) and its rank within it: the same formula over the
    group's townships, by the group's indicators (else the county's)."""
    ranked = {row["township"] for row in rows}
    rank_in: dict[str, int | None] = {}
    for group in groups:
        members = [t for t in group["townships"] if t in ranked]
        for s in _standings(_of_group(group, county), members, counts):
            rank_in[s.township] = s.rank
    belongs = group_of(groups)
    for row in rows:
        row["group"] = belongs.get(row["township"])
        row["group_rank"] = rank_in.get(row["township"])


def _figures_of(indicators: list[dict]) -> list[str]:
    """The count figures a ranking reads: rates need their numerator and denominator."""
    names: list[str] = []
    for ind in indicators:
        rate_name = ind["figure"].removeprefix("rates.")
        names.extend(RATES.get(rate_name, (ind["figure"],)))
    return list(dict.fromkeys(names))  # a group's indicators may name the same ones


def _indicator_values(indicators: list[dict], counts: Counter[str]) -> dict[str, float | None]:
    values: dict[str, float | None] = {}
    for ind in indicators:
        figure = ind["figure"]
        if figure.startswith("rates."):
            numerator, denominator = RATES[figure.removeprefix("rates.")]
            values[figure] = rate(counts.get(numerator, 0), counts.get(denominator, 0))["value"]
        else:
            values[figure] = counts.get(figure, 0)
    return values


def _in_force(view: CountyView, moment: datetime | None) -> list[dict[str, Any]]:
    """The county's indicators at ``moment``, or the defaults; weights as a ranking counts
    them (domain.ranking.counted: an old history's infinite weight counts as 0)."""
    return counted(view.indicators_at(moment) or DEFAULT_INDICATORS)
