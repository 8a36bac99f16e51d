"""Every interchange ``type`` and the entry aggregate it belongs to."""

from __future__ import annotations

from domain.decision import Decision
from domain.dispute import Dispute
from domain.entry import Entry
from domain.hotline import HotlineCase
from domain.inspection import Inspection
from domain.issue import Issue
from domain.meeting import Meeting
from domain.report import QuarterSubmission, ReportNarrative, ReportSubmission
from domain.roster import Advisor, Liaison, Officer, Volunteer
from domain.session import Session

ENTRY_CLASSES: tuple[type[Entry], ...] = (
    Session,
    Meeting,
    Decision,
    Inspection,
    Issue,
    Dispute,
    HotlineCase,
    Advisor,
    Liaison,
    Volunteer,
    Officer,
    ReportNarrative,
    ReportSubmission,
    QuarterSubmission,
)

# Creating type -> aggregate class.
CREATIONS: dict[str, type[Entry]] = {cls.creation().TYPE: cls for cls in ENTRY_CLASSES}
# Follow-up type -> the aggregate classes it may follow (retraction follows any entry).
FOLLOW_UPS: dict[str, tuple[type[Entry], ...]] = {
    Entry.Retracted.TYPE: ENTRY_CLASSES,
    **{
        t: (cls,)
        for cls in ENTRY_CLASSES
        for t in cls.follow_up_types()
        if t != Entry.Retracted.TYPE
    },
}
ALL_TYPES: tuple[str, ...] = (*CREATIONS, *FOLLOW_UPS)
RETRACTION = Entry.Retracted.TYPE
# Types a township head records but a clerk may not; types only the county office records.
HEAD_TYPES = frozenset(
    {
        ReportNarrative.Written.TYPE,
        ReportSubmission.Submitted.TYPE,
        QuarterSubmission.Submitted.TYPE,
    }
)
COUNTY_TYPES = frozenset({ReportSubmission.Accepted.TYPE, ReportSubmission.Returned.TYPE})
