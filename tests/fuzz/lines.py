"""A good line of every type of the interchange format (DOMAIN.md), for the fuzzes to send
as they are or spoil."""

from __future__ import annotations

from typing import Any

from domain.catalogue import ALL_TYPES

GOOD_FIELDS: dict[str, dict[str, Any]] = {
    "session_held": {"kind": "lecture", "title": "宪法学习", "attendees": 30, "laws": ["宪法"]},
    "meeting_held": {"matters_decided": 2},
    "decision_reviewed": {
        "title": "村道规划",
        "steps": ["legality_review", "collective_decision"],
        "reviewer": "legal_advisor",
        "result": "approved",
    },
    "inspection_conducted": {"area": "食品安全"},
    "issue_found": {"category": "安全", "description": "消防通道堵塞", "deadline": "2024-04-30"},
    "dispute_registered": {"source": "hotline_12345", "category": "土地"},
    "hotline_case_received": {},
    "advisor_appointed": {"level": "community"},
    "liaison_registered": {},
    "volunteer_pledged": {"post": "publicity"},
    "officer_certified": {},
    "report_narrative": {"year": 2024, "problems": "一是……", "next_steps": "二是……"},
    "report_submitted": {"year": 2024},
    "quarter_submitted": {"year": 2024, "quarter": 1},
    "entry_retracted": {"reason": "录入有误"},
    "issue_rectified": {},
    "dispute_mediated": {"outcome": "failed", "mediator": "mediation_committee"},
    "hotline_case_answered": {"resolved": True},
    "report_accepted": {},
    "report_returned": {"reason": "请补充数据"},
}
assert set(GOOD_FIELDS) == set(ALL_TYPES), "a type of the catalogue without a good line here"


def good_line(
    township: str, type_: str, entry_id: str, occurred_on: str = "2024-03-05"
) -> dict[str, Any]:
    return {
        "township": township,
        "type": type_,
        "id": entry_id,
        "occurred_on": occurred_on,
        **GOOD_FIELDS[type_],
    }
