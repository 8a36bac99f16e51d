"""The past beside today: which numbers and ranks changed since a moment (or a publication),
and which entries — recorded late, or retracted — changed them.

The entries since may be tens of thousands (a late import): a document carries their counts
(recorded, retracted; by township) and the first ``FIRST_ENTRIES``, with a cursor to the
rest, which ``page`` gives ``limit`` at a time; only the command line's ``diff``, a file for
an auditor to keep, asks for them all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.errors import InvalidField
from domain.moments import parse_moment, stamp
from projections.figures import RETRACTION, Fact
from projections.ledger import LedgerView
from projections.periods import Period
from projections.since import Since
from services.lateness import late_because, submissions
from services.paging import after, checked_limit
from services.read_model import ReadModel

FIRST_ENTRIES = 20  # the entries a notice or a difference names; the rest are paged
PAGE = 100  # entries a page, when the caller does not say
MOST_A_PAGE = 200


def changes(read_model: ReadModel, since: Since, label: str, first: int | None) -> dict:
    """What changed the figures ``since``: ``counts`` (``recorded``, ``retracted``, and by
    township), the first ``first`` ``entries`` (None: all of them) and ``next_cursor`` for
    the rest (None when there is none). ``label`` names the point for a reader ("the
    publication", "2025-01-15T00:00:00Z")."""
    by_township = read_model.view.change_counts(since)
    listed = page(read_model, since, label, cursor=None, limit=first)
    return {
        "counts": {
            "recorded": sum(c["recorded"] for c in by_township.values()),
            "retracted": sum(c["retracted"] for c in by_township.values()),
            "townships": [
                {"township": t, **by_township[t]} for t in since.townships if t in by_township
            ],
        },
        "entries": listed["items"],
        "next_cursor": listed["next_cursor"],
    }


def page(
    read_model: ReadModel, since: Since, label: str, *, cursor: Any, limit: int | None = PAGE
) -> dict[str, Any]:
    """The entries ``since``, oldest first, after ``cursor`` (a position this gave as
    ``next_cursor``), ``limit`` at most (None: all): ``{"items", "next_cursor"}``."""
    found = facts_page(read_model.view, since, cursor=cursor, limit=limit)
    return {**found, "items": _described(read_model, found["items"], label)}


def facts_page(view: LedgerView, since: Since, *, cursor: Any, limit: int | None) -> dict:
    """The facts ``since`` covers after ``cursor``, ``limit`` at most (None: all), and the
    cursor of the next page (None on the last): ``{"items", "next_cursor"}``."""
    wanted = None if limit is None else checked_limit(limit, MOST_A_PAGE)
    asked = None if wanted is None else wanted + 1  # one more: is there a next page?
    found = view.changes(since, after=after(cursor), limit=asked)
    more = wanted is not None and len(found) > wanted
    shown = found[:wanted] if more else found
    return {"items": shown, "next_cursor": str(shown[-1].position) if more else None}


def _described(read_model: ReadModel, facts: list[Fact], label: str) -> list[dict[str, Any]]:
    """Each event as the audit names it, with why it is there and whether it was late."""
    submitted: dict[str, Any] = {}
    described = []
    for fact in facts:
        if fact.township not in submitted:
            submitted[fact.township] = submissions(read_model.view, fact.township)
        verb = "retracted" if fact.type == RETRACTION else "recorded"
        reasons = late_because(fact, submitted[fact.township])
        described.append(
            {
                **summary(fact),
                "why": f"{verb} after {label}",
                "late_reasons": [r.as_dict() for r in reasons],
            }
        )
    return described


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
    """A township's figures, or a county's ranking, as of a moment beside today's; and the
    entries recorded or retracted since, a page at a time."""

    def __init__(
        self, tenancy: Any, read_model: ReadModel, figures: Any, rankings: Any, trail: Any = None
    ) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.figures = figures
        self.rankings = rankings
        self.trail = trail  # records auditors' pages of entries since a moment

    def figures_since(self, principal: Any, *, first: int | None = FIRST_ENTRIES, **asked) -> dict:
        """The ``difference`` of ``figures_beside`` (``first`` entries named: None, all)."""
        return self.figures_beside(principal, first=first, **asked)["difference"]

    def figures_beside(
        self,
        principal: Any,
        *,
        township: str,
        period: str,
        as_of: Any,
        first: int | None = FIRST_ENTRIES,
    ) -> dict[str, Any]:
        """The figures documents ``then`` and ``today``, and their ``difference``: the
        figures changed, and the entries recorded or retracted since (``changes``)."""
        moment = _moment(as_of)
        then = self.figures.figures(principal, township=township, period=period, as_of=moment)
        now = self.figures.figures(principal, township=township, period=period)
        span = Period.parse(period)
        since = Since((now["township"],), span, moment=moment)
        difference = {
            "township": now["township"],
            "period": span.key,
            "as_of": then["as_of"],
            "now": now["as_of"],
            "changed": changed_figures(then, now),
            **changes(self.read_model, since, then["as_of"], first),
        }
        return {"then": then, "today": now, "difference": difference}

    def ranking_since(self, principal: Any, *, first: int | None = FIRST_ENTRIES, **asked) -> dict:
        """The ``difference`` of ``ranking_beside`` (``first`` entries named: None, all)."""
        return self.ranking_beside(principal, first=first, **asked)["difference"]

    def ranking_beside(
        self,
        principal: Any,
        *,
        county: str,
        period: str,
        as_of: Any,
        first: int | None = FIRST_ENTRIES,
    ) -> dict[str, Any]:
        """The ranking documents ``then`` and ``today``, and their ``difference``: the ranks
        and scores changed, and the entries recorded or retracted since (``changes``)."""
        moment = _moment(as_of)
        then = self.rankings.ranking(principal, county=county, period=period, as_of=moment)
        now = self.rankings.ranking(principal, county=county, period=period)
        townships = tuple(row["township"] for row in now["townships"])
        since = Since(townships, Period.parse(now["period"]), moment=moment)
        difference = {
            "county": now["county"],
            "period": now["period"],
            "as_of": then["as_of"],
            "now": now["as_of"],
            "changed": changed_ranks(then["townships"], now["townships"], "then"),
            **changes(self.read_model, since, then["as_of"], first),
        }
        return {"then": then, "today": now, "difference": difference}

    def entries_since(
        self,
        principal: Any,
        *,
        period: str,
        as_of: Any,
        township: str | None = None,
        county: str | None = None,
        cursor: Any = None,
        limit: int = PAGE,
    ) -> dict[str, Any]:
        """The entries recorded or retracted since ``as_of`` that count in ``period``, of one
        township or of a county's: ``{"items", "total", "next_cursor"}``, oldest first."""
        moment = _moment(as_of)
        span = Period.parse(period)
        if township is not None:
            found = self.tenancy.township(principal, township)
            townships, place = (found.code,), found.county
        else:
            view = self.tenancy.county(principal, county or "")
            townships, place = tuple(view.townships), view.code
        if self.trail is not None:
            action = f"entries of {span.key} recorded since {stamp(moment)}"
            self.trail.note(principal, county=place, action=action, subject=township or place)
        since = Since(townships, span, moment=moment)
        self.read_model.before_read()
        found = page(self.read_model, since, stamp(moment), cursor=cursor, limit=limit)
        total = sum(sum(c.values()) for c in self.read_model.view.change_counts(since).values())
        return {**found, "total": total}


def _moment(as_of: Any) -> datetime:
    moment = parse_moment(as_of)
    if moment is None:
        raise InvalidField("as_of", "as_of.required")
    return moment
