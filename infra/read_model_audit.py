"""The read model's queries for the audit: facts recorded since a moment, the facts of many
entries at once, a township's facts of one type (its reports' submissions), its tally periods
(for the as-of ranking, the history and ``verify``). A part of ``SQLLedgerView``, kept apart
from its projection and storage code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson

from domain.evidence import EVIDENCE_TYPES
from infra.read_model_rows import COLUMNS, fact_from_row, stamp, storable
from projections.figures import RETRACTION, ROSTER_TYPES, Fact
from projections.since import Since


class AuditQueries:
    """Mixed into ``SQLLedgerView``: uses its ``_query``, ``_in`` and ``_dialect``."""

    _dialect: Any

    def _query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple]: ...

    def _in(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]: ...

    def facts_since(self, townships: Sequence[str], moment: datetime, *, until: date) -> list[Fact]:
        where, params = self._in("township", [storable(t) for t in townships])
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE {where}"
            " AND recorded_at > ? AND entry_occurred_on <= ? ORDER BY position",
            [*params, stamp(moment), until.isoformat()],
        )
        return [fact_from_row(row) for row in rows]

    def changes(self, since: Since, *, after: int = 0, limit: int | None = None) -> list[Fact]:
        where, params = self._covering(since, after)
        bound = "" if limit is None else f" LIMIT {int(limit)}"
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE {where} ORDER BY position{bound}", params
        )
        return [fact_from_row(row) for row in rows]

    def change_counts(self, since: Since) -> dict[str, dict[str, int]]:
        where, params = self._covering(since, 0)
        rows = self._query(
            "SELECT township, COUNT(*), SUM(CASE WHEN type = ? THEN 1 ELSE 0 END)"
            f" FROM ledger_rm_facts WHERE {where} GROUP BY township",
            [RETRACTION, *params],
        )
        return {
            township: {"recorded": total - retracted, "retracted": retracted}
            for township, total, retracted in ((t, int(n), int(r)) for t, n, r in rows)
        }

    def changed_townships(self, since: Since) -> set[str]:
        # ``township || ''``: read by position, not through a township index (SQLite's
        # planner would walk every fact of the townships for the few after a position).
        where, params = self._covering(since, 0, "township || ''")
        rows = self._query(f"SELECT DISTINCT township FROM ledger_rm_facts WHERE {where}", params)
        return {township for (township,) in rows}

    def _covering(
        self, since: Since, after: int, township: str = "township"
    ) -> tuple[str, list[Any]]:
        """The condition of the facts ``since`` covers after position ``after`` (the position
        first: the facts after a publication are read from there on, not from the start);
        ``township``: the column's expression."""
        townships, params = self._in(township, [storable(t) for t in since.townships])
        where, values = f"position > ? AND {townships}", [max(after, since.position or 0), *params]
        if since.upto is not None:
            where += " AND position <= ?"
            values.append(since.upto)
        if since.span is not None:
            roster, roster_params = self._in("entry_type", sorted(ROSTER_TYPES))
            where += f" AND entry_occurred_on <= ? AND (entry_occurred_on >= ? OR {roster})"
            values += [since.span.end.isoformat(), since.span.start.isoformat(), *roster_params]
            evidence, evidence_params = self._in("type", sorted(EVIDENCE_TYPES))
            where += f" AND NOT {evidence}"  # a file attached or retracted changes no figure
            values += evidence_params
        for bound, moment in (
            ("recorded_at > ?", since.moment),
            ("recorded_at >= ?", since.start),
            ("recorded_at <= ?", since.until),
        ):
            if moment is not None:
                where += f" AND {bound}"
                values.append(stamp(moment))
        return where, values

    def facts_of_entries(self, keys: Iterable[tuple[str, str]]) -> list[Fact]:
        """One query for them all, the (township, entry id) pairs as one parameter each way:
        arrays on PostgreSQL, a JSON array on SQLite (an index probe per pair)."""
        pairs = sorted({(storable(t), storable(e)) for t, e in keys})
        if not pairs:
            return []
        if self._dialect.postgresql:
            match = "(township, entry_id) IN (SELECT * FROM unnest(%s::text[], %s::text[]))"
            params: list[Any] = [[t for t, _ in pairs], [e for _, e in pairs]]
        else:
            match = (
                "(township, entry_id) IN (SELECT json_extract(value, '$[0]'),"
                " json_extract(value, '$[1]') FROM json_each(?))"
            )
            params = [orjson.dumps(pairs).decode()]
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE {match} ORDER BY position", params
        )
        return [fact_from_row(row) for row in rows]

    def facts_of_type(self, township: str, type_: str) -> list[Fact]:
        rows = self._query(
            f"SELECT {COLUMNS} FROM ledger_rm_facts WHERE township = ? AND type = ?"
            " ORDER BY position",
            (storable(township), type_),
        )
        return [fact_from_row(row) for row in rows]

    def tally_periods(self, township: str) -> list[str]:
        rows = self._query(
            "SELECT period FROM ledger_rm_tallies WHERE township = ?", (storable(township),)
        )
        return [period for (period,) in rows]
