"""Publishing a county's ranking: the document frozen as canonical JSON, bound to the log
position, the indicators in force and the chain heads; and giving its bytes back later.

A number with a fraction (scores, rates, weights) is written in a publication as a string of
fixed notation with six decimals ("87.500000"): the canonical encoding holds integers only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from domain.access import Principal
from domain.entry import entry_uuid
from domain.errors import LedgerError, NotFound
from domain.publication import RANKING, REPORT, Publication, PublicationRegister, register_uuid
from domain.ranking import counted
from domain.report import ReportSubmission, latest_narrative
from domain.timestamp import publication_subject
from projections.periods import Period
from projections.since import Since
from services.application import LedgerApplication
from services.chains import canonical, sha256
from services.differences import FIRST_ENTRIES, PAGE, changed_ranks, changes, page
from services.entries import RECORDED
from services.figures import Figures, report_entries
from services.rankings import Rankings
from services.read_model import ReadModel
from services.tenancy import CountyView, Tenancy
from services.timestamps import latest_stamps, shown
from services.trail import Trail


@dataclass(frozen=True)
class Receipt:
    """What ``publish`` prints: keep it; its ``sha256`` is the anchor held outside."""

    id: str
    sha256: str
    position: int
    published_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "sha256": self.sha256,
            "position": self.position,
            "published_at": self.published_at,
        }


class Publications:
    def __init__(
        self,
        app: LedgerApplication,
        tenancy: Tenancy,
        read_model: ReadModel,
        rankings: Rankings,
        figures: Figures,
        trail: Trail | None = None,
    ) -> None:
        self.app = app
        self.trail = trail  # records auditors' downloads of publications
        self.tenancy = tenancy
        self.read_model = read_model
        self.rankings = rankings
        self.figures = figures
        self.stamping = False  # a TSA is configured: a publication without a token waits

    def publish_ranking(self, principal: Principal, *, county: str, period: str) -> Receipt:
        """Freeze the county's ranking for ``period`` as it stands now."""
        view = self.tenancy.county(principal, county)
        principal.check_publishes()
        heads = self._heads(view.townships)
        ranking = self.rankings.ranking(principal, county=view.code, period=period)
        position = self.read_model.position()
        document = {
            "publication": RANKING,
            "county": view.code,
            "period": ranking["period"],
            "position": position,
            "published_at": ranking["as_of"],
            "indicators": ranking["weights"],
            "formula": ranking["formula"],
            "chain_heads": {t: {"link": v, "sha256": h} for t, (v, h) in heads.items()},
            "townships": ranking["townships"],
        }
        return self._publish(principal, RANKING, view.code, None, ranking["period"], document)

    def on_recorded(self, principal: Principal, recorded: Any) -> None:
        """A report accepted (recorded now, not a repeat) publishes that report."""
        if recorded.type == ReportSubmission.Accepted.TYPE and recorded.status == RECORDED:
            submission = self.app.repository.get(entry_uuid(recorded.township, recorded.entry_id))
            self.publish_report(principal, township=recorded.township, year=submission.year)

    def publish_report(self, principal: Principal, *, township: str, year: int) -> Receipt:
        """Freeze a township's report for ``year`` as it stands: the year's figures (the
        report's status included) and the township's own words."""
        place = self.tenancy.township(principal, township)
        principal.check_publishes()
        heads = self._heads([place.code])
        self.read_model.reach(self.read_model.recorded_position())  # the answer just recorded
        found = self.figures.snapshot(principal, township=place.code, period=str(year), as_of=None)
        figures = self.figures.document(found)
        document = {
            "publication": REPORT,
            "county": place.county,
            "township": place.code,
            "period": str(year),
            "position": self.read_model.position(),
            "published_at": figures["as_of"],
            "chain_heads": {t: {"link": v, "sha256": h} for t, (v, h) in heads.items()},
            "figures": figures,
            "narrative": latest_narrative(report_entries(found.entries, year), year),
        }
        return self._publish(principal, REPORT, place.county, place.code, str(year), document)

    def _heads(self, townships: Any) -> dict[str, tuple[int, str]]:
        heads = {t: self.app.chain_head(t) for t in townships}
        return {t: h for t, h in heads.items() if h is not None}

    def _publish(self, principal, kind, county, township, period, document) -> Receipt:
        text = canonical(without_fractions(document))
        publication = Publication(
            kind=kind,
            county=county,
            township=township,
            period=period,
            document=text.decode("utf-8"),
            sha256=sha256(text),
            position=document["position"],
            published_at=document["published_at"],
            published_by=principal.username,
            chain_heads={t: [h["link"], h["sha256"]] for t, h in document["chain_heads"].items()},
        )
        register = self._register(county)
        register.register(publication)
        self.app.save(publication, register)
        return Receipt(
            str(publication.id), publication.sha256, publication.position, publication.published_at
        )

    def published(self, principal: Principal, *, county: str) -> list[dict[str, Any]]:
        """The county's publications, oldest first: id, kind, township, period, sha256,
        position, published_at; ``timestamp``: its trusted timestamp's ``stamped_at`` and
        ``authority`` (None: none), ``waits_for_timestamp`` when a TSA is configured and
        it has none yet."""
        return self.published_of(self.tenancy.county(principal, county))

    def published_of(self, view: CountyView) -> list[dict[str, Any]]:
        """``published`` of a county resolved already for its principal."""
        entries = self._register(view.code).entries
        stamps = latest_stamps(self.app, [publication_subject(e["id"]) for e in entries])
        listed = []
        for entry in entries:
            stamp = shown(stamps.get(publication_subject(entry["id"])))
            waits = self.stamping and stamp is None
            listed.append({**entry, "timestamp": stamp, "waits_for_timestamp": waits})
        return listed

    def _register(self, county: str) -> PublicationRegister:
        try:
            return self.app.repository.get(register_uuid(county))
        except AggregateNotFoundError:
            return PublicationRegister(county)

    def publication(self, principal: Principal, *, publication_id: str) -> bytes:
        """A publication's bytes, as they were published."""
        found = self.get(principal, publication_id)
        if self.trail is not None:
            subject = found.township or found.county
            action = f"publication {found.id}"
            self.trail.note(principal, county=found.county, action=action, subject=subject)
        data = found.document.encode("utf-8")
        if sha256(data) != found.sha256:
            raise LedgerError(
                "publication.altered", field="id", id=publication_id, sha256=found.sha256
            )
        return data

    def get(self, principal: Principal, publication_id: str) -> Publication:
        missing = NotFound("publication.not_found", field="id", id=publication_id)
        try:
            found = self.app.repository.get(UUID(publication_id))
        except (ValueError, AggregateNotFoundError):
            raise missing from None
        if not isinstance(found, Publication) or not _sees(principal, found):
            raise missing
        return found

    def restatement(
        self,
        principal: Principal,
        *,
        county: str,
        period: str,
        today: Any = None,
        first: int | None = FIRST_ENTRIES,
    ) -> dict[str, Any] | None:
        """When a rank of the county's latest ranking publication for ``period`` is no longer
        the rank today (None when none changed, or nothing was published): the ranks that
        changed; ``because``: ``entries`` recorded or retracted since that count in the period,
        and/or the ``indicators`` (the weights) changed since (``published_indicators``); the
        entries' ``counts`` and the first ``first`` of them with a ``next_cursor`` for
        ``entries_since`` (``first`` None: all). ``today``: the current ranking, if made."""
        view = self.tenancy.county(principal, county)
        self.read_model.before_read()
        return self.restatement_of(principal, view, period=period, today=today, first=first)

    def restatement_of(
        self,
        principal: Principal,
        view: CountyView,
        *,
        period: str,
        today: Any = None,
        first: int | None = FIRST_ENTRIES,
    ) -> dict[str, Any] | None:
        """``restatement`` of a county resolved already for ``principal`` (the read model
        brought up to date)."""
        span = Period.parse(period)
        latest = self._register(view.code).latest(RANKING, span.key)
        if latest is None:
            return None
        published = json.loads(self.get(principal, latest["id"]).document)
        today = today or self.rankings.ranked(principal, view, period=span.key)
        moved = [
            row
            for row in changed_ranks(published["townships"], today["townships"])
            if row["published_rank"] != row["rank"]
        ]
        if not moved:
            return None
        since = Since(tuple(view.townships), span, position=latest["position"])
        # as a ranking counts them: a publication frozen with "nan" (before the weights'
        # rules) gives 0, never a NaN in a document
        weights = counted([{**i, "weight": _number(i["weight"])} for i in published["indicators"]])
        return {
            "publication": latest["id"],
            "published_at": latest["published_at"],
            "because": self._because(principal, view, published, weights, today),
            "published_indicators": weights,
            "changed": moved,
            **changes(self.read_model, since, "the publication", first),
        }

    def _because(self, principal, view, published, weights, today) -> list[str]:
        """What moved a published rank: ``entries`` when the published weights rank today's
        figures otherwise than published, ``indicators`` when today's weights rank them
        otherwise than the published weights would (both, or neither: a new township)."""
        if without_fractions(today["weights"]) == published["indicators"]:
            return ["entries"]
        then = self.rankings.ranked(principal, view, period=today["period"], indicators=weights)
        because = []
        if _ranks(then) != _ranks(published):
            because.append("entries")
        if _ranks(then) != _ranks(today):
            because.append("indicators")
        return because

    def entries_since(
        self, principal: Principal, *, publication_id: str, cursor: Any = None, limit: int = PAGE
    ) -> dict[str, Any]:
        """The entries recorded or retracted since a ranking publication that count in its
        period, of the county's townships, oldest first: ``{"publication", "period",
        "published_at", "items", "total", "next_cursor"}`` (the rest of a restatement
        notice's entries)."""
        found = self.get(principal, publication_id)
        if found.kind != RANKING:
            raise NotFound("publication.not_found", field="id", id=publication_id)
        view = self.tenancy.county(principal, found.county)
        since = Since(tuple(view.townships), Period.parse(found.period), position=found.position)
        self.read_model.before_read()
        listed = page(self.read_model, since, "the publication", cursor=cursor, limit=limit)
        total = sum(sum(c.values()) for c in self.read_model.change_counts(since).values())
        return {
            "publication": str(found.id),
            "period": found.period,
            "published_at": found.published_at,
            **listed,
            "total": total,
        }


def _sees(principal: Principal, found: Publication) -> bool:
    """The county's publications: its people; a township's report: the township's too."""
    if principal.sees_county(found.county):
        return True
    return found.township is not None and principal.sees(
        township=found.township, county=found.county
    )


def _ranks(ranking: dict[str, Any]) -> dict[str, int | None]:
    return {row["township"]: row["rank"] for row in ranking["townships"]}


def _number(weight: Any) -> Any:
    """A weight as a publication holds it (fixed-notation text for a fraction) as a number."""
    try:
        return float(weight) if isinstance(weight, str) else weight
    except ValueError:  # no number: counted as 0
        return None


def without_fractions(value: Any) -> Any:
    """``value`` with every float written as fixed-notation text with six decimals."""
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, dict):
        return {k: without_fractions(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_fractions(v) for v in value]
    return value
