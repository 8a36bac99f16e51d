"""The past beside today: which numbers and ranks changed since a moment (or a publication),
and which entries — recorded late, or retracted — changed them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.errors import InvalidField
from domain.evidence import EVIDENCE_TYPES
from domain.moments import parse_moment, stamp
from projections.figures import RETRACTION, ROSTER_TYPES, Fact
from projections.periods import Period
from services.lateness import late_because, submissions
from services.read_model import ReadModel


def counts_in(fact: Fact, span: Period) -> bool:
    """Whether the entry a fact belongs to counts in the period's figures."""
    return fact.entry_occurred_on in span or (
        fact.entry_type in ROSTER_TYPES and fact.entry_occurred_on <= span.end
    )


def entries_since(
    read_model: ReadModel,
    townships: Iterable[str],
    span: Period,
    *,
    position: int | None = None,
    moment: datetime | None = None,
    since: str,
) -> list[dict[str, Any]]:
    """The events recorded after ``position`` (or after ``moment``) of the entries that count
    in ``span``, oldest first: what changed the period's figures since then. ``since`` names
    that point for a reader ("the publication", "2025-01-15T00:00:00Z"). Each event says
    whether it was late (``late_reasons``, as history marks it)."""
    found = []
    for township in townships:
        submitted = None
        for fact in read_model.view.facts(township, until=span.end):
            if not counts_in(fact, span) or fact.type in EVIDENCE_TYPES:  # changes no figure
                continue
            if (position is not None and fact.position <= position) or (
                moment is not None and fact.recorded_at <= moment
            ):
                continue
            verb = "retracted" if fact.type == RETRACTION else "recorded"
            if submitted is None:
                submitted = submissions(read_model.view, township)
            found.append(
                {
                    **summary(fact),
                    "why": f"{verb} after {since}",
                    "late_reasons": [r.as_dict() for r in late_because(fact, submitted)],
                }
            )
    return sorted(found, key=lambda e: e["position"])


def summary(fact: Fact) -> dict[str, Any]:
    """An event as history and differences show it: what, for which day, when, by whom."""
    return {
        "township": fact.township,
        "entry_id": fact.entry_id,
        "type": fact.type,
        "occurred_on": fact.occurred_on.isoformat(),
        "recorded_at": stamp(fact.recorded_at),
        "recorded_by": fact.actor,
        "position": fact.position,
    }


def changed_ranks(
    then: list[dict], now: list[dict], label: str = "published"
) -> list[dict[str, Any]]:
    """The townships whose rank or score differs between two rankings' rows (the earlier
    one's keys prefixed ``label``: ``published_rank``)."""
    before = {row["township"]: row for row in then}
    changed = []
    for row in now:
        old = before.get(row["township"], {})
        old_score, new_score = _score(old.get("score")), _score(row["score"])
        if old.get("rank") != row["rank"] or old_score != new_score:
            changed.append(
                {
                    "township": row["township"],
                    f"{label}_rank": old.get("rank"),
                    "rank": row["rank"],
                    f"{label}_score": old_score,
                    "score": new_score,
                }
            )
    return changed


def _score(value: Any) -> str | None:
    """Scores compared as publications write them (fixed notation, six decimals)."""
    if value is None or isinstance(value, str):
        return value
    return f"{value:.6f}"


def changed_figures(then: dict[str, Any], now: dict[str, Any], prefix: str = "") -> dict:
    """The figures whose value differs between two figures documents: name -> then, now."""
    changed: dict[str, Any] = {}
    for key, value in now.items():
        if key in ("as_of", "report", "township", "period"):
            continue
        old = then.get(key)
        if isinstance(value, dict):
            changed.update(changed_figures(old or {}, value, f"{prefix}{key}."))
        elif old != value:
            changed[f"{prefix}{key}"] = {"then": old, "now": value}
    return changed


class Differences:
    """A township's figures, or a county's ranking, as of a moment beside today's."""

    def __init__(self, tenancy: Any, read_model: ReadModel, figures: Any, rankings: Any) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.figures = figures
        self.rankings = rankings

    def figures_since(
        self, principal: Any, *, township: str, period: str, as_of: Any
    ) -> dict[str, Any]:
        return self.figures_beside(principal, township=township, period=period, as_of=as_of)[
            "difference"
        ]

    def figures_beside(
        self, principal: Any, *, township: str, period: str, as_of: Any
    ) -> dict[str, Any]:
        """The figures documents ``then`` and ``today``, and their ``difference`` (what
        ``figures_since`` answers)."""
        moment = _moment(as_of)
        then = self.figures.figures(principal, township=township, period=period, as_of=moment)
        now = self.figures.figures(principal, township=township, period=period)
        span = Period.parse(period)
        difference = {
            "township": now["township"],
            "period": span.key,
            "as_of": then["as_of"],
            "now": now["as_of"],
            "changed": changed_figures(then, now),
            "entries": entries_since(
                self.read_model, [now["township"]], span, moment=moment, since=then["as_of"]
            ),
        }
        return {"then": then, "today": now, "difference": difference}

    def ranking_since(
        self, principal: Any, *, county: str, period: str, as_of: Any
    ) -> dict[str, Any]:
        return self.ranking_beside(principal, county=county, period=period, as_of=as_of)[
            "difference"
        ]

    def ranking_beside(
        self, principal: Any, *, county: str, period: str, as_of: Any
    ) -> dict[str, Any]:
        """The ranking documents ``then`` and ``today``, and their ``difference`` (what
        ``ranking_since`` answers)."""
        moment = _moment(as_of)
        then = self.rankings.ranking(principal, county=county, period=period, as_of=moment)
        now = self.rankings.ranking(principal, county=county, period=period)
        townships = [row["township"] for row in now["townships"]]
        difference = {
            "county": now["county"],
            "period": now["period"],
            "as_of": then["as_of"],
            "now": now["as_of"],
            "changed": changed_ranks(then["townships"], now["townships"], "then"),
            "entries": entries_since(
                self.read_model,
                townships,
                Period.parse(now["period"]),
                moment=moment,
                since=then["as_of"],
            ),
        }
        return {"then": then, "today": now, "difference": difference}


def _moment(as_of: Any) -> datetime:
    moment = parse_moment(as_of)
    if moment is None:
        raise InvalidField("as_of", "as_of.required")
    return moment
