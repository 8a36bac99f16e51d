"""History: an entry's events, and a township's stream of everything recorded in a time
window, each event marked when it was late (docs/audit.md "History")."""

from __future__ import annotations

import json
from typing import Any

from domain.access import Principal
from domain.entry import entry_uuid
from domain.errors import InvalidField, NotFound
from domain.evidence import carried
from domain.moments import parse_moment, stamp
from projections.figures import RETRACTION, Fact
from projections.since import Since
from services.chains import canonical
from services.differences import PAGE, facts_page, summary
from services.lateness import Submissions, late_because, submissions
from services.read_model import ReadModel
from services.tenancy import Tenancy, TownshipView, principal_of
from services.trail import Trail


class History:
    def __init__(self, tenancy: Tenancy, read_model: ReadModel, trail: Trail) -> None:
        self.tenancy = tenancy
        self.read_model = read_model
        self.trail = trail

    def entry(self, principal: Principal, *, township: str, entry_id: str) -> dict[str, Any]:
        """Every event of one entry: who recorded what, when, for which day; late ones marked."""
        place = self.tenancy.township(principal, township)
        self.read_model.before_read()
        return self.entry_of(principal, place, entry_id)

    def entry_of(self, principal: Principal, place: TownshipView, entry_id: str) -> dict[str, Any]:
        """``entry`` of a township resolved already for ``principal`` (the read model brought
        up to date)."""
        code = place.code
        self.trail.note_township(principal, township=code, action=f"history of entry {entry_id}")
        facts = self.read_model.entry_facts(code, entry_id)
        if len(facts) < self.read_model.recorded_version(entry_uuid(code, entry_id)):
            # Recorded, not yet projected (a worker keeps the read model): a script that has
            # just recorded a follow-up reads it, as a page waits for its own writes.
            self.read_model.reach(self.read_model.recorded_position())
            facts = self.read_model.entry_facts(code, entry_id)
        if not facts:
            raise NotFound("entry.not_found", field="id", id=entry_id, township=code)
        submitted = submissions(self.read_model, code)
        return {
            "township": code,
            "entry_id": entry_id,
            "type": facts[0].entry_type,
            "occurred_on": facts[0].entry_occurred_on.isoformat(),
            "retracted": any(f.type == RETRACTION for f in facts),
            "events": [
                {**_item(f, submitted), "recorder_held_right": self._held_right(f)} for f in facts
            ],
            "evidence": [
                c.document()
                for c in carried((f.type, f.payload, f.recorded_at, f.actor) for f in facts)
            ],
        }

    def _held_right(self, fact: Fact) -> bool | None:
        """Whether the event's recorder held the right to record it in its township when
        they recorded it, as the ledger's rights events say (None: no user recorded it, as
        the operator's command line or a user from before the ledger kept rights)."""
        user = self.tenancy.rights.user_at(fact.actor, fact.recorded_at)
        if user is None:
            return None
        if user.disabled:
            return False
        then = principal_of(user)
        county = self.tenancy.county_of_township(fact.township)
        return then.sees(township=fact.township, county=county) and then.may_record(fact.type)

    def stream(
        self, principal: Principal, *, township: str, since: Any, until: Any = None
    ) -> list[dict[str, Any]]:
        """Everything recorded for the township from ``since`` up to ``until`` (now), in log
        order (the command line's file; ``window`` gives it a page at a time)."""
        asked = {"township": township, "since": since, "until": until}
        return self.window(principal, **asked, limit=None)["events"]

    def window(
        self,
        principal: Principal,
        *,
        township: str,
        since: Any,
        until: Any = None,
        cursor: Any = None,
        limit: int | None = PAGE,
    ) -> dict[str, Any]:
        """What was recorded for the township from ``since`` up to ``until`` (now), in log
        order, ``limit`` events after ``cursor`` (None: all): ``{"events", "total",
        "next_cursor"}``."""
        code = self.tenancy.township(principal, township).code
        start = parse_moment(since, field="from")
        if start is None:
            raise InvalidField("from", "window.needs_start")
        end = parse_moment(until, field="to")
        window = f"{stamp(start)} to {stamp(end) if end else 'now'}"
        self.trail.note_township(principal, township=code, action=f"history from {window}")
        self.read_model.before_read()
        chosen = Since((code,), start=start, until=end)
        found = facts_page(self.read_model, chosen, cursor=cursor, limit=limit)
        submitted = submissions(self.read_model, code)
        counts = self.read_model.change_counts(chosen).get(code, {})
        return {
            "events": [_item(f, submitted) for f in found["items"]],
            "total": sum(counts.values()),
            "next_cursor": found["next_cursor"],
        }


def _item(fact: Fact, submitted: Submissions) -> dict[str, Any]:
    late = late_because(fact, submitted)
    return {
        **summary(fact),
        "fields": json.loads(canonical(fact.payload)),  # dates as text, lists as lists
        "retraction": fact.type == RETRACTION,
        "late": [reason.english() for reason in late],
        "late_reasons": [reason.as_dict() for reason in late],  # codes, for other languages
    }
