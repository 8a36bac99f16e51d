"""When an event is late: recorded long after its business date, or after its year's report
(or its quarter's record) was submitted. History marks such events; the differences and
restatement notices too."""

from __future__ import annotations

from datetime import datetime

from domain.messages import Message
from domain.moments import local_day, stamp
from domain.report import REPORT_TYPES, QuarterSubmission, ReportSubmission, quarter_key
from projections.figures import Fact
from projections.ledger import ViewQueries

# An event recorded more than this many days after its business date is late: a month, the
# time a township has to record what happened (and past the monthly figures it belongs to).
LATE_AFTER_DAYS = 30
SUBMITTED = ReportSubmission.Submitted.TYPE
QUARTER_SUBMITTED = QuarterSubmission.Submitted.TYPE
# A year's first submission by its year; a quarter's by (year, quarter).
Submissions = dict[int | tuple[int, int], datetime]


def submissions(view: ViewQueries, township: str) -> Submissions:
    """When each year's report of the township was first submitted (by year), and each
    quarter's record (by year and quarter)."""
    first: Submissions = {}
    for fact in view.facts_of_type(township, SUBMITTED):
        year = fact.payload["year"]
        first[year] = min(first.get(year, fact.recorded_at), fact.recorded_at)
    for fact in view.facts_of_type(township, QUARTER_SUBMITTED):
        key = (fact.payload["year"], fact.payload["quarter"])
        first[key] = min(first.get(key, fact.recorded_at), fact.recorded_at)
    return first


def late_because(fact: Fact, submitted: Submissions) -> list[Message]:
    """Why an event is late: recorded long after its business date, or after its year's
    report, or its quarter's record, was submitted (the reports' own events, and the
    submissions, are not late for them)."""
    reasons = []
    days = (local_day(fact.recorded_at) - fact.occurred_on).days  # the installation's days
    if days > LATE_AFTER_DAYS:
        reasons.append(Message("late.after_days", {"days": days}))
    year = fact.entry_occurred_on.year
    report = submitted.get(year)
    if (
        report is not None
        and fact.recorded_at > report
        and not fact.entry_type.startswith("report_")
        and fact.entry_type not in REPORT_TYPES
    ):
        reasons.append(Message("late.after_report", {"year": year, "at": stamp(report)}))
    day = fact.entry_occurred_on
    quarter = (day.year, (day.month - 1) // 3 + 1)
    record = submitted.get(quarter)
    if record is not None and fact.recorded_at > record and fact.entry_type not in REPORT_TYPES:
        reasons.append(
            Message("late.after_quarter", {"period": quarter_key(*quarter), "at": stamp(record)})
        )
    return reasons
