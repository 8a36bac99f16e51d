"""Where the township's own pages show the entries behind a figure, in the words those pages
use: the list 台账 with its filters (类型, 日期, 状态) and an entry's fields (来源, 调解人 …).

The words are the pages' (web/labels.py, web/templates/township/entries.html), so that a
reader of the annex finds the entries by what they see; tests/unit/test_report_annex.py holds
the two to the same words."""

from __future__ import annotations

from domain.decision import DECISION_STEPS, REVIEW_RESULTS, REVIEWERS
from domain.dispute import DISPUTE_SOURCES, MEDIATORS
from domain.session import SESSION_KINDS

PAGE = "台账"  # the township's list of entries
OPEN, CLOSED = "未办结", "已办结"  # the list's 状态
# The list's 类型, by the type of the entry behind a figure.
TYPES = {
    "session_held": "学法/培训/普法活动",
    "meeting_held": "党委会议",
    "decision_reviewed": "重大决策合法性审查",
    "inspection_conducted": "执法检查",
    "issue_found": "发现问题",
    "dispute_registered": "排查矛盾纠纷",
    "hotline_case_received": "12345转办",
    "advisor_appointed": "法律顾问",
    "liaison_registered": "法律明白人",
    "volunteer_pledged": "志愿者",
    "officer_certified": "执法证",
}
# An entry's fields (their labels) and values, as its page shows them.
KINDS = {
    "theory_study": "理论学习中心组学法",
    "political_study_day": "政治理论学习日",
    "pre_meeting_law_study": "会前学法",
    "lecture": "法治讲座",
    "enforcement_training": "执法培训",
    "publicity": "普法宣传活动",
}
STEPS = {
    "public_participation": "公众参与",
    "expert_consultation": "专家论证",
    "risk_assessment": "风险评估",
    "legality_review": "合法性审查",
    "collective_decision": "集体讨论决定",
    "disclosure": "公开",
}
REVIEWER_NAMES = {"legal_advisor": "法律顾问", "judicial_office": "司法所", "other": "其他"}
RESULT_NAMES = {"approved": "通过", "approved_with_changes": "修改后通过", "rejected": "未通过"}
SOURCE_NAMES = {
    "screening": "排查发现",
    "hotline_12345": "12345热线",
    "petition": "信访",
    "volunteer": "志愿者",
    "other": "其他",
}
MEDIATOR_NAMES = {
    "mediation_committee": "调解委员会",
    "legal_advisor": "法律顾问",
    "volunteer": "志愿者",
    "other": "其他",
}

Place = tuple[str, tuple[str, ...]]  # the entries' type, and what else sets them apart

PLACES: dict[str, Place] = {
    **{
        f"sessions.{kind}.{measure}": ("session_held", (f"类别：{KINDS[kind]}",))
        for kind in SESSION_KINDS
        for measure in ("count", "attendees", "reached", "materials")
    },
    "meetings.count": ("meeting_held", ()),
    "meetings.matters_decided": ("meeting_held", ()),
    "decisions.reviewed": ("decision_reviewed", ()),
    "decisions.with_legality_review": ("decision_reviewed", ("经过的程序：含合法性审查",)),
    **{
        f"decisions.by_step.{s}": ("decision_reviewed", (f"经过的程序：含{STEPS[s]}",))
        for s in DECISION_STEPS
    },
    **{
        f"decisions.by_reviewer.{r}": ("decision_reviewed", (f"审查人：{REVIEWER_NAMES[r]}",))
        for r in REVIEWERS
    },
    **{
        f"decisions.by_result.{r}": ("decision_reviewed", (f"审查结果：{RESULT_NAMES[r]}",))
        for r in REVIEW_RESULTS
    },
    "inspections": ("inspection_conducted", ()),
    "issues.found": ("issue_found", ()),
    "issues.rectified": ("issue_found", (f"状态：{CLOSED}",)),
    "issues.rectified_on_time": ("issue_found", (f"状态：{CLOSED}", "在整改期限内整改")),
    "issues.overdue": ("issue_found", (f"状态：{OPEN}", "已逾期")),
    "disputes.registered": ("dispute_registered", ()),
    "disputes.resolved": ("dispute_registered", (f"状态：{CLOSED}",)),
    "disputes.failed": ("dispute_registered", (f"状态：{OPEN}", "调解结果：调解不成功")),
    **{
        f"disputes.by_source.{s}": ("dispute_registered", (f"来源：{SOURCE_NAMES[s]}",))
        for s in DISPUTE_SOURCES
    },
    **{
        f"disputes.by_mediator.{m}": (
            "dispute_registered",
            (f"状态：{CLOSED}", f"调解人：{MEDIATOR_NAMES[m]}"),
        )
        for m in MEDIATORS
    },
    "hotline.received": ("hotline_case_received", ()),
    "hotline.answered": ("hotline_case_received", (f"状态：{CLOSED}",)),
    "hotline.resolved": ("hotline_case_received", (f"状态：{CLOSED}", "是否解决：是")),
    "roster.advisors_township": ("advisor_appointed", ("层级：乡镇级",)),
    "roster.advisors_community": ("advisor_appointed", ("层级：村（社区）级",)),
    "roster.liaisons": ("liaison_registered", ()),
    "roster.volunteers": ("volunteer_pledged", ()),
    "roster.volunteer_posts": ("volunteer_pledged", ("认领岗位：调解或普法宣传活动",)),
    "roster.officers": ("officer_certified", ()),
}


def where(path: str, year: int) -> str:
    """Where the entries behind the count figure ``path`` of ``year`` are seen: 见“台账”页，
    类型：排查矛盾纠纷，2024年，状态：已办结 (the list's filters: its type, dates within the
    year, its state; then what the entries' own pages show). The roster counts everyone
    appointed by the year's end: 截至2024年12月31日."""
    type_, conditions = PLACES[path]
    return "，".join((_listed(type_, path, year), *conditions))


def where_rate(numerator: str, denominator: str, year: int, counts: tuple[int, int]) -> str:
    """Where the entries behind a rate are seen: those of its denominator, and among them
    those of its numerator: …，共33条，其中状态：已办结的32条."""
    base = where(denominator, year)
    among = "且".join(map(_as_clause, PLACES[numerator][1]))
    return f"{base}，共{counts[1]}条；其中{among}的{counts[0]}条"


def _as_clause(condition: str) -> str:
    """A condition of the list (状态：已办结) as a clause: 状态为“已办结”."""
    field, _, value = condition.partition("：")
    if not value:
        return field
    return f"{field}{value}" if value.startswith("含") else f"{field}为“{value}”"


def _listed(type_: str, path: str, year: int) -> str:
    dates = f"截至{year}年12月31日" if path.startswith("roster.") else f"{year}年"
    return f"见“{PAGE}”页，类型：{TYPES[type_]}，{dates}"
