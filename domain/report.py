"""The township's own words for its annual report, the head's submission of the year's report,
and the county office's answer to it (accepted, or returned with a reason)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from domain import values
from domain.entry import Entry, Field
from domain.errors import InvalidField, RuleBroken
from domain.moments import stamp

# The themes of 一、工作开展情况, by the codes of the narrative's ``themes``: the head may add
# their own paragraph to each (measures, highlights, what the numbers cannot say).
REPORT_THEMES = (
    "study",
    "decisions",
    "workforce",
    "enforcement",
    "publicity_and_disputes",
    "leaders_duty",
)


def theme_texts(field: str, value: Any) -> dict[str, str]:
    """``{theme code: text}``: known theme codes only, each with non-empty text."""
    if not isinstance(value, Mapping):
        raise InvalidField(field, "themes.not_object")
    for code in value:
        if code not in REPORT_THEMES:
            raise InvalidField(field, "themes.unknown", theme=code, themes=tuple(REPORT_THEMES))
    return {code: values.long_text(f"{field}.{code}", value[code]) for code in value}


class ReportNarrative(Entry):
    """The township's own words: 二、存在的问题 and 三、下一步打算, and (optional, since the
    second version of the event) the head's paragraph for themes of 一、. The latest
    narrative of a year is the one reported."""

    class Written(Entry.Recorded):
        TYPE = "report_narrative"
        FIELDS = {
            "year": Field(values.year),
            "problems": Field(values.long_text),
            "next_steps": Field(values.long_text),
            "themes": Field(theme_texts, optional=True),
        }
        class_version = 2
        year: int
        problems: str
        next_steps: str
        themes: dict[str, str] | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Narratives written before ``themes`` existed have none."""
            state["themes"] = None


class ReportSubmission(Entry):
    class Submitted(Entry.Recorded):
        TYPE = "report_submitted"
        FIELDS = {"year": Field(values.year)}
        year: int

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.year = self.year
            aggregate.answer = None

    class Accepted(Entry.Event):
        TYPE = "report_accepted"

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.answer = self

    class Returned(Entry.Event):
        TYPE = "report_returned"
        FIELDS = {"reason": Field(values.long_text)}
        reason: str

        def apply_to(self, aggregate: ReportSubmission) -> None:
            aggregate.answer = self

    def closed_to(self, type_: str) -> RuleBroken | None:
        """The county answers a submission once; an accepted one stays (its submission is
        not retracted: that would take the acceptance away)."""
        if self.answer is None:
            return None
        if type_ == Entry.Retracted.TYPE:
            if self.answer.TYPE != ReportSubmission.Accepted.TYPE:
                return None
            return RuleBroken(
                "report.accepted_not_retracted", field="id", year=self.year, id=self.entry_id
            )
        return RuleBroken(
            "report.already_answered",
            field="id",
            year=self.year,
            id=self.entry_id,
            answer=self.answer.TYPE,
            on=self.answer.occurred_on,
        )

    def as_recorded(self) -> Recorded:
        """The submission in plain values, as the year's rules read it."""
        answer = self.answer
        return Recorded(
            self.entry_id,
            self.type,
            self.occurred_on,
            self.created_on,
            {"year": self.year},
            retracted=self.retracted is not None,
            last_follow_up=None
            if answer is None
            else FollowUp(answer.TYPE, answer.timestamp, answer.payload()),
        )


class QuarterSubmission(Entry):
    """The head declares a quarter's record complete and sends it to the county (报送季度台账).
    No answer follows: the county reads it in its completeness of the quarter. One live
    submission per township and quarter (services/reports.py); the head may retract it."""

    class Submitted(Entry.Recorded):
        TYPE = "quarter_submitted"
        FIELDS = {"year": Field(values.year), "quarter": Field(values.quarter)}
        year: int
        quarter: int

        def apply_to(self, aggregate: QuarterSubmission) -> None:
            aggregate.year = self.year
            aggregate.quarter = self.quarter

    @classmethod
    def check_new(cls, occurred_on: date, fields: Mapping[str, Any]) -> None:
        """A quarter is submitted once it has begun (on or after its first day)."""
        first = date(fields["year"], 3 * (fields["quarter"] - 1) + 1, 1)
        if occurred_on < first:
            raise InvalidField(
                "quarter",
                "quarter.not_begun",
                period=quarter_key(fields["year"], fields["quarter"]),
            )


def quarter_key(year: int, quarter: int) -> str:
    """The period key of a quarter (``2025-Q2``)."""
    return f"{year}-Q{quarter}"


# -- the rules of the year's report, on plain values ------------------------------------------


@dataclass(frozen=True)
class FollowUp:
    """An event that followed an entry (for a submission: the county office's answer)."""

    type: str
    recorded_at: datetime
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class Recorded:
    """An entry of the township as the ledger holds it at some moment, in plain values."""

    entry_id: str
    type: str
    occurred_on: date
    recorded_at: datetime
    payload: Mapping[str, Any]
    retracted: bool = False
    last_follow_up: FollowUp | None = None


Status = Literal["not_submitted", "submitted", "accepted", "returned"]
# Where a year's report may be submitted (again): never submitted, or returned by the county.
SUBMITTABLE: tuple[Status, ...] = ("not_submitted", "returned")


@dataclass(frozen=True)
class ReportStatus:
    """Where the year's report stands: the latest submission and the county office's answer.
    ``late_amendments``: the year's entries recorded after the report was accepted."""

    status: Status
    submission: str | None = None
    submitted_at: datetime | None = None
    answered_at: datetime | None = None
    reason: str | None = None
    late_amendments: tuple[str, ...] = field(default_factory=tuple)

    @property
    def may_submit(self) -> bool:
        """Whether the report may be submitted now: not while it waits for the county's
        answer, not once it was accepted."""
        return self.status in SUBMITTABLE

    def document(self) -> dict[str, Any]:
        """As the figures document carries it (DOMAIN.md): only the keys that apply."""
        doc: dict[str, Any] = {"status": self.status}
        if self.submission is not None:
            doc["submission"] = self.submission
            doc["submitted_at"] = stamp(self.submitted_at)  # type: ignore[arg-type]
        doc["late_amendments"] = list(self.late_amendments)
        if self.answered_at is not None:
            doc["answered_at"] = stamp(self.answered_at)
        if self.reason is not None:
            doc["reason"] = self.reason
        return doc


REPORT_TYPES = (
    ReportSubmission.Submitted.TYPE,
    ReportNarrative.Written.TYPE,
    QuarterSubmission.Submitted.TYPE,
)


def report_status(entries: Iterable[Recorded], year: int) -> ReportStatus:
    """The latest (live) submission of the year's report and its answer; once accepted, the
    entries of the year recorded afterwards are late amendments."""
    entries = list(entries)
    submissions = list(_of_year(entries, ReportSubmission.Submitted.TYPE, year))
    if not submissions:
        return ReportStatus("not_submitted")
    latest = max(submissions, key=lambda e: e.recorded_at)
    answer = latest.last_follow_up
    if answer is None:
        return ReportStatus("submitted", latest.entry_id, latest.recorded_at)
    if answer.type == ReportSubmission.Returned.TYPE:
        return ReportStatus(
            "returned",
            latest.entry_id,
            latest.recorded_at,
            answer.recorded_at,
            reason=answer.payload["reason"],
        )
    late = sorted(
        e.entry_id
        for e in entries
        if e.occurred_on.year == year
        and e.recorded_at > answer.recorded_at
        and e.type not in REPORT_TYPES
    )
    return ReportStatus(
        "accepted", latest.entry_id, latest.recorded_at, answer.recorded_at, None, tuple(late)
    )


def check_submission(entries: Iterable[Recorded], year: int) -> None:
    """A year's report is submitted again only after the county returned it: not while it
    waits for the answer, not once it was accepted."""
    status = report_status(entries, year)
    if status.may_submit:
        return
    if status.status == "submitted":
        raise RuleBroken("report.awaiting_answer", field="year", year=year, id=status.submission)
    raise RuleBroken("report.already_accepted", field="year", year=year, id=status.submission)


def latest_narrative(entries: Iterable[Recorded], year: int) -> dict[str, Any] | None:
    """The township's words for the year: the narrative recorded last wins (``entries`` in the
    order they were recorded); its fields without the year, or None when none was written."""
    written = list(_of_year(entries, ReportNarrative.Written.TYPE, year))
    if not written:
        return None
    return {k: v for k, v in written[-1].payload.items() if k != "year"}


def _of_year(entries: Iterable[Recorded], type_: str, year: int) -> Iterable[Recorded]:
    return (e for e in entries if not e.retracted and e.type == type_ and e.payload["year"] == year)
