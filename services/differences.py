"""The past beside today: which numbers and ranks changed since a moment (or a publication),
and which entries — recorded late, or retracted — changed them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.moments import stamp
from projections.figures import RETRACTION, ROSTER_TYPES, Fact
from projections.periods import Period
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
    that point for a reader ("the publication", "2025-01-15T00:00:00Z")."""
    found = []
    for township in townships:
        for fact in read_model.view.facts(township, until=span.end):
            if not counts_in(fact, span):
                continue
            if (position is not None and fact.position <= position) or (
                moment is not None and fact.recorded_at <= moment
            ):
                continue
            verb = "retracted" if fact.type == RETRACTION else "recorded"
            found.append(
                {
                    "township": township,
                    "entry_id": fact.entry_id,
                    "type": fact.type,
                    "occurred_on": fact.occurred_on.isoformat(),
                    "recorded_at": stamp(fact.recorded_at),
                    "recorded_by": fact.actor,
                    "position": fact.position,
                    "why": f"{verb} after {since}",
                }
            )
    return sorted(found, key=lambda e: e["position"])


def changed_ranks(then: list[dict], now: list[dict]) -> list[dict[str, Any]]:
    """The townships whose rank or score differs between two rankings' rows."""
    before = {row["township"]: row for row in then}
    changed = []
    for row in now:
        old = before.get(row["township"], {})
        old_score, new_score = _score(old.get("score")), _score(row["score"])
        if old.get("rank") != row["rank"] or old_score != new_score:
            changed.append(
                {
                    "township": row["township"],
                    "published_rank": old.get("rank"),
                    "rank": row["rank"],
                    "published_score": old_score,
                    "score": new_score,
                }
            )
    return changed


def _score(value: Any) -> str | None:
    """Scores compared as publications write them (fixed notation, six decimals)."""
    if value is None or isinstance(value, str):
        return value
    return f"{value:.6f}"
