"""The shapes of the audit's requests and answers (DOMAIN.md "Audit"): histories, the past
beside today, publications and their restatement notices, verification, the audit log.

The audit services answer with moments and days already written as text (``stamp``), so
those fields pass text through, documented with their format.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow.validate import OneOf as Enum
from marshmallow.validate import Range

from domain.publication import RANKING, REPORT
from services.differences import FIRST_ENTRIES, MOST_A_PAGE, PAGE
from web.api.evidence_schemas import EvidenceItem
from web.api.schemas import Indicator, Payload, Ranking, Strict


def day(**options) -> ma.fields.String:
    return _text({"format": "date"}, options)


def moment(**options) -> ma.fields.String:
    return _text({"format": "date-time", "example": "2025-01-15T00:00:00Z"}, options)


def score(**options) -> ma.fields.String:
    described = {"description": "fixed notation, six decimals", "example": "87.500000"}
    return _text(described, {"allow_none": True, **options})


def _text(metadata: dict, options: dict) -> ma.fields.String:
    return ma.fields.String(metadata={**metadata, **options.pop("metadata", {})}, **options)


class HistoryEvent(Strict):
    """One event of an entry, as the audit history shows it."""

    type = ma.fields.String(required=True)
    occurred_on = day(required=True)
    recorded_by = ma.fields.String(required=True)
    recorded_at = moment(required=True)
    position = ma.fields.Integer(required=True, metadata={"description": "in the ledger's log"})
    fields = Payload(required=True)
    retraction = ma.fields.Boolean(required=True)
    late = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={
            "description": "why the event is late (recorded long after its business"
            " date, or after its year's report was submitted); empty when it is not"
        },
    )


class EntryEvent(HistoryEvent):
    recorder_held_right = ma.fields.Boolean(
        allow_none=True,
        metadata={
            "description": "whether the recorder held the right to record it there when they"
            " did, from the ledger's rights events (null: no user recorded it)"
        },
    )


class EntryHistory(Strict):
    township = ma.fields.String(required=True)
    id = ma.fields.String(required=True, attribute="entry_id")
    type = ma.fields.String(required=True)
    occurred_on = day(required=True)
    retracted = ma.fields.Boolean(required=True)
    history = ma.fields.List(ma.fields.Nested(EntryEvent), required=True, attribute="events")
    evidence = ma.fields.List(
        ma.fields.Nested(EvidenceItem),
        metadata={"description": "the files the entry carries, retracted ones too"},
    )


class StreamEvent(HistoryEvent):
    township = ma.fields.String(required=True)
    entry_id = ma.fields.String(required=True)


class StreamQuery(Strict):
    from_ = moment(required=True, data_key="from")
    to = moment(metadata={"description": "the end of the window (default: now)"})
    limit = ma.fields.Integer(validate=Range(min=1, max=MOST_A_PAGE), load_default=PAGE)
    cursor = ma.fields.String()


class HistoryStream(Strict):
    township = ma.fields.String(required=True)
    from_ = moment(required=True, data_key="from")
    to = moment(allow_none=True, required=True)
    events = ma.fields.List(
        ma.fields.Nested(StreamEvent),
        required=True,
        metadata={"description": "`limit` of them, oldest first"},
    )
    total = ma.fields.Integer(required=True, metadata={"description": "events in the window"})
    next_cursor = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "give it as `cursor` for the next page (null: the last)"},
    )


class DifferenceQuery(Strict):
    period = ma.fields.String(required=True, metadata={"example": "2024"})
    as_of = moment(required=True)


class ChangedBy(Strict):
    """An event recorded (or a retraction) since the earlier moment that counts in the period."""

    township = ma.fields.String(required=True)
    entry_id = ma.fields.String(required=True)
    type = ma.fields.String(required=True)
    occurred_on = day(required=True)
    recorded_at = moment(required=True)
    recorded_by = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    why = ma.fields.String(required=True, metadata={"example": "recorded after 2025-01-15…"})


class TownshipChanges(Strict):
    township = ma.fields.String(required=True)
    recorded = ma.fields.Integer(required=True)
    retracted = ma.fields.Integer(required=True)


class ChangeCounts(Strict):
    """How many events were recorded (entries and their follow-ups) and retracted since, that
    count in the period: in all, and by township (those with any)."""

    recorded = ma.fields.Integer(required=True)
    retracted = ma.fields.Integer(required=True)
    townships = ma.fields.List(ma.fields.Nested(TownshipChanges), required=True)


class ChangesSince(Strict):
    """The entries recorded or retracted since: counted, the first named, the rest paged."""

    counts = ma.fields.Nested(ChangeCounts, required=True)
    entries = ma.fields.List(
        ma.fields.Nested(ChangedBy),
        required=True,
        metadata={"description": f"the first {FIRST_ENTRIES}, oldest first"},
    )
    next_cursor = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "give it as `cursor` to the route of the entries since for"
            " the rest (null: none)"
        },
    )


class PageQuery(Strict):
    limit = ma.fields.Integer(validate=Range(min=1, max=MOST_A_PAGE), load_default=PAGE)
    cursor = ma.fields.String()


class EntriesSinceQuery(PageQuery):
    period = ma.fields.String(required=True, metadata={"example": "2024"})
    as_of = moment(required=True)


class EntriesSince(Strict):
    """A page of the entries recorded or retracted since, oldest first."""

    items = ma.fields.List(ma.fields.Nested(ChangedBy), required=True)
    total = ma.fields.Integer(required=True, metadata={"description": "on every page"})
    next_cursor = ma.fields.String(allow_none=True, required=True)


class PublicationEntriesSince(EntriesSince):
    publication = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    published_at = moment(required=True)


class Change(Strict):
    then = ma.fields.Raw(allow_none=True, required=True)
    now = ma.fields.Raw(allow_none=True, required=True)


class FiguresDifference(ChangesSince):
    township = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    as_of = moment(required=True)
    now = moment(required=True)
    changed = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Nested(Change),
        required=True,
        metadata={"description": "figure name (as in the figures document) -> then, now"},
    )


class RankChange(Strict):
    township = ma.fields.String(required=True)
    then_rank = ma.fields.Integer(allow_none=True, required=True)
    rank = ma.fields.Integer(allow_none=True, required=True)
    then_score = score(required=True)
    score = score(required=True)


class RankingDifference(ChangesSince):
    county = ma.fields.String(required=True)
    period = ma.fields.String(required=True)
    as_of = moment(required=True)
    now = moment(required=True)
    changed = ma.fields.List(ma.fields.Nested(RankChange), required=True)


class PublishedRankChange(Strict):
    township = ma.fields.String(required=True)
    published_rank = ma.fields.Integer(allow_none=True, required=True)
    rank = ma.fields.Integer(allow_none=True, required=True)
    published_score = score(required=True)
    score = score(required=True)


class Restatement(ChangesSince):
    """A rank of the latest publication of this ranking is no longer the rank today: which
    ranks, why (entries recorded or retracted since, the indicators changed since), and the
    entries (the rest: ``GET /publications/{id}/entries-since``)."""

    publication = ma.fields.String(required=True)
    published_at = moment(required=True)
    because = ma.fields.List(
        ma.fields.String(validate=Enum(["entries", "indicators"])),
        required=True,
        metadata={"description": "what changed since the publication"},
    )
    published_indicators = ma.fields.List(
        ma.fields.Nested(Indicator),
        required=True,
        metadata={"description": "the indicators in force when it was published"},
    )
    changed = ma.fields.List(
        ma.fields.Nested(PublishedRankChange),
        required=True,
        metadata={"description": "only the townships whose rank changed"},
    )


class TodaysRanking(Ranking):
    """The ranking document; today's also carries a restatement notice when a published
    rank has changed since (as ``ranking --json``)."""

    restatement = ma.fields.Nested(Restatement, allow_none=True)


class PublishRequest(Strict):
    period = ma.fields.String(required=True, metadata={"example": "2024"})


class Receipt(Strict):
    """Keep it: its ``sha256`` is the anchor held outside the ledger."""

    id = ma.fields.String(required=True)
    sha256 = ma.fields.String(required=True)
    position = ma.fields.Integer(required=True)
    published_at = moment(required=True)


class TimestampSeen(Strict):
    """A trusted timestamp (RFC 3161): when, and by which authority; the token itself is
    ``GET /api/v1/publications/{id}/timestamp``."""

    stamped_at = moment(required=True, metadata={"description": "the token's time (genTime)"})
    authority = ma.fields.String(
        required=True, metadata={"description": "the authority certificate's subject"}
    )


class PublicationEntry(Receipt):
    kind = ma.fields.String(required=True, validate=Enum([RANKING, REPORT]))
    township = ma.fields.String(allow_none=True, required=True)
    period = ma.fields.String(required=True)
    timestamp = ma.fields.Nested(
        TimestampSeen,
        allow_none=True,
        required=True,
        metadata={"description": "its trusted timestamp (null: none yet)"},
    )
    waits_for_timestamp = ma.fields.Boolean(
        required=True,
        metadata={"description": "a timestamp authority is configured and no token came yet"},
    )


class CountyPublications(Strict):
    county = ma.fields.String(required=True)
    publications = ma.fields.List(ma.fields.Nested(PublicationEntry), required=True)


class VerificationRequest(Strict):
    township = ma.fields.String(metadata={"description": "only this township"})
    county = ma.fields.String(metadata={"description": "the county (default: the caller's)"})


class Finding(Strict):
    position = ma.fields.Integer(required=True)
    township = ma.fields.String(allow_none=True, required=True)
    entry_id = ma.fields.String(allow_none=True, required=True)
    version = ma.fields.Integer(allow_none=True, required=True)
    what = ma.fields.String(required=True)
    kind = ma.fields.String(
        metadata={"description": "what kind of mismatch (services/verification.py KINDS)"}
    )
    text = ma.fields.Function(
        lambda finding: str(finding), required=True, metadata={"type": "string"}
    )


class VerificationResult(Strict):
    ok = ma.fields.Boolean(required=True)
    summary = ma.fields.Method("_summary", required=True, metadata={"type": "string"})
    townships = ma.fields.Integer(required=True)
    events = ma.fields.Integer(required=True)
    links = ma.fields.Integer(required=True)
    anchors = ma.fields.Integer(required=True)
    files = ma.fields.Integer(
        metadata={"description": "evidence files checked against their SHA-256"}
    )
    timestamps = ma.fields.Integer(
        required=True, metadata={"description": "trusted timestamps' tokens checked"}
    )
    position = ma.fields.Integer(required=True, metadata={"description": "verified up to"})
    first = ma.fields.Nested(
        Finding,
        allow_none=True,
        required=True,
        metadata={"description": "the first record that does not match (null: none)"},
    )
    findings = ma.fields.Method("_count", required=True, metadata={"type": "integer"})

    def _summary(self, result) -> str:
        return result.summary()

    def _count(self, result) -> int:
        return len(result.findings)


class Look(Strict):
    at = moment(required=True)
    actor = ma.fields.String(required=True)
    action = ma.fields.String(required=True)
    subject = ma.fields.String(required=True)


class AuditLog(Strict):
    county = ma.fields.String(required=True)
    looks = ma.fields.List(
        ma.fields.Nested(Look), required=True, metadata={"description": "`limit`, oldest first"}
    )
    total = ma.fields.Integer(required=True)
    next_cursor = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "give it as `cursor` for the next page (null: the last)"},
    )
