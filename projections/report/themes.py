"""The themes of 一、工作开展情况: each a heading in the township's own kind of sentence and
points that run 一是…二是…, built from the figures. A point with nothing to say is left out,
and so is a theme without points and without the head's own paragraph."""

from __future__ import annotations

from collections.abc import Callable

from domain.decision import DECISION_STEPS
from projections.report.model import Paragraph, Part
from projections.report.phrasing import points, series
from projections.report.reading import Reader

Point = list[Part] | None

STUDY = "study"
DECISIONS = "decisions"
WORKFORCE = "workforce"
ENFORCEMENT = "enforcement"
PUBLICITY_AND_DISPUTES = "publicity_and_disputes"
LEADERS_DUTY = "leaders_duty"

HEADINGS = {
    STUDY: "抓实学法用法，提升干部法治素养。",
    DECISIONS: "规范决策程序，推进依法科学民主决策。",
    WORKFORCE: "建强法治队伍，夯实基层治理基础。",
    ENFORCEMENT: "严格规范执法，提升综合执法水平。",
    PUBLICITY_AND_DISPUTES: "深化普法宣传，依法化解矛盾纠纷。",
    LEADERS_DUTY: "履行推进法治建设第一责任人职责，压实工作责任。",
}

# How a decision's procedure steps read: "…的N项".
STEP_CLAUSES = {
    "public_participation": "听取公众意见的",
    "expert_consultation": "开展专家论证的",
    "risk_assessment": "进行风险评估的",
    "legality_review": "经过合法性审查的",
    "collective_decision": "经集体讨论决定的",
    "disclosure": "依法向社会公开的",
}
# The steps every major decision must go through (重大行政决策程序暂行条例): the procedure is
# said to be followed strictly only when every decision of the year went through them.
REQUIRED_STEPS = ("legality_review", "collective_decision")


def _study(r: Reader) -> tuple[Paragraph, ...]:
    study = series(
        [
            r.counted("sessions.theory_study.count", "党委理论学习中心组专题学法", "场次"),
            r.counted("sessions.political_study_day.count", "政治理论学习日活动", "场次"),
        ]
    )
    laws = r.laws("pre_meeting_law_study")
    pre = r.counted("sessions.pre_meeting_law_study.count", "全年会前学法", "次")
    lectures = r.counted("sessions.lecture.count", "邀请律师、法律顾问等举办法治讲座", "场次")
    return points(
        study and ["坚持领导干部带头学法。全年开展", study, "，把习近平法治思想作为学习重点。"],
        pre
        and [
            "落实会前学法制度。",
            pre,
            r.counted("sessions.pre_meeting_law_study.attendees", "，参学", "人次"),
            f"，学习了{''.join(laws)}等法律法规。" if laws else "。",
        ],
        lectures
        and [
            "以讲座促学用。",
            lectures,
            r.counted("sessions.lecture.attendees", "，参加", "人次"),
            "，帮助干部提高运用法治思维和法治方式推动工作的能力。",
        ],
    )


def _decisions(r: Reader) -> tuple[Paragraph, ...]:
    return points(_procedure(r), _reviewers(r), _meetings(r))


def _procedure(r: Reader) -> Point:
    """The decisions and the steps they went through, each counted (经集体讨论决定的4项; a
    step none went through is not named); only the legality review is said of all of them
    (均经过) when all went through it, its coverage beside it. The procedure is "strictly
    followed" only when every decision went through the steps every decision must."""
    reviewed = r.fig("decisions.reviewed")
    if not reviewed.value:
        return None
    strictly = all(r.n(f"decisions.by_step.{s}") == reviewed.value for s in REQUIRED_STEPS)
    return [
        "严格履行重大行政决策法定程序。" if strictly else "规范重大行政决策程序。",
        "全年",
        reviewed,
        "项重大行政决策",
        _legality_review(r, reviewed.value),
        r.rated("legality_review_coverage", "，合法性审查覆盖率"),
        _other_steps(r),
        "。",
    ]


def _legality_review(r: Reader, reviewed: int) -> list[Part]:
    with_review = r.n("decisions.with_legality_review")
    if with_review == reviewed:
        return ["均经过合法性审查"]
    if not with_review:
        return ["均未经过合法性审查"]
    return ["中，经过合法性审查的", r.fig("decisions.with_legality_review"), "项"]


def _other_steps(r: Reader) -> Point:
    steps = series(
        [
            r.counted(f"decisions.by_step.{step}", STEP_CLAUSES[step], "项")
            for step in DECISION_STEPS
            if step != "legality_review"
        ],
        "，",
    )
    return ["；决策过程中，", steps] if steps else None


def _reviewers(r: Reader) -> Point:
    reviewers = series(
        [
            r.counted("decisions.by_reviewer.legal_advisor", "法律顾问审查重大决策", "项"),
            r.counted("decisions.by_reviewer.judicial_office", "司法所审查", "项"),
            r.counted("decisions.by_reviewer.other", "其他机构审查", "项"),
        ],
        "，",
    )
    results = series(
        [
            r.counted("decisions.by_result.approved", "同意", "项"),
            r.counted("decisions.by_result.approved_with_changes", "修改完善后同意", "项"),
            r.counted("decisions.by_result.rejected", "不予同意", "项"),
        ]
    )
    mediated = r.counted("disputes.by_mediator.legal_advisor", "协助调解矛盾纠纷", "件")
    if not (reviewers or results or mediated):
        return None
    checked = series([reviewers, results and ["经审查", *results]], "，")
    return [
        "加强合法性审查把关。",
        [checked, "，决策的合法性和科学性进一步提高"] if checked else None,
        ["；" if checked else "", "法律顾问还", mediated] if mediated else None,
        "。",
    ]


def _meetings(r: Reader) -> Point:
    meetings = r.counted("meetings.count", "全年召开党委会议", "次")
    return meetings and [
        "发挥党委会议集体研究作用。",
        meetings,
        r.counted("meetings.matters_decided", "，集体研究决定重大事项", "项"),
        "。",
    ]


def _workforce(r: Reader) -> tuple[Paragraph, ...]:
    advisors = series(
        [
            r.counted("roster.advisors_township", f"{r.level}聘请法律顾问", "名"),
            r.counted("roster.advisors_community", "社区（村）聘请法律顾问", "名"),
        ],
        "，",
    )
    liaisons = r.counted("roster.liaisons", f"{r.whole}已培育“法律明白人”", "名")
    return points(
        advisors and ["健全法律顾问制度。", advisors, "，为群众提供就近便捷的法律服务。"],
        liaisons and ["发挥“法律明白人”作用。", liaisons, "，带动群众遇事找法、就地化解矛盾。"],
        _volunteers(r),
    )


def _volunteers(r: Reader) -> Point:
    pledged = r.counted("roster.volunteers", f"{r.whole}签订承诺践诺责任书的志愿者共", "名")
    if not pledged:
        return None
    found = r.counted("disputes.by_source.volunteer", "反映矛盾纠纷", "件")
    resolved = r.counted("disputes.by_mediator.volunteer", "参与调解成功", "件")
    return [
        "引导志愿者参与基层治理。",
        pledged,
        r.counted("roster.volunteer_posts", "，其中", "名认领了矛盾纠纷调处或法治宣传岗位"),
        ["；全年志愿者", series([found, resolved], "，")] if found or resolved else None,
        "。",
    ]


def _enforcement(r: Reader) -> tuple[Paragraph, ...]:
    officers = r.counted("roster.officers", f"{r.whole}持有行政执法证件的人员", "名")
    trainings = r.counted("sessions.enforcement_training.count", "全年组织执法业务培训", "次")
    team = series(
        [
            officers,
            trainings
            and [
                *trainings,
                r.counted("sessions.enforcement_training.attendees", "、培训", "人次"),
            ],
        ],
        "，",
    )
    return points(team and ["加强执法队伍建设。", team, "。"], _inspections(r))


def _inspections(r: Reader) -> Point:
    inspections = r.counted("inspections", "全年开展执法检查", "次")
    found = r.fig("issues.found")
    if not found.value:
        return inspections and ["开展执法检查。", inspections, "，未发现需要整改的问题。"]
    rectified = r.fig("issues.rectified")
    overdue = r.counted("issues.overdue", "尚有", "个问题已过整改期限仍未整改")
    if overdue:
        rest: Point = ["；", overdue]
    elif rectified.value < found.value:
        rest = ["；其余问题正在整改期限内"]
    else:
        rest = None
    return [
        "抓好检查发现问题的整改。",
        [inspections, "，检查中"] if inspections else "全年",
        "发现问题",
        found,
        "个，",
        ["已完成整改", rectified, "个"] if rectified.value else "尚无问题完成整改",
        r.rated("rectification", "，整改率") if rectified.value else None,
        r.rated("on_time_rectification", "，按期整改率")
        if r.n("issues.rectified_on_time")
        else None,
        rest,
        "。",
    ]


def _publicity_and_disputes(r: Reader) -> tuple[Paragraph, ...]:
    publicity = r.counted("sessions.publicity.count", "全年开展普法宣传活动", "场次")
    return points(
        publicity
        and [
            "广泛开展普法宣传。",
            publicity,
            r.counted("sessions.publicity.materials", "，发放宣传资料", "份"),
            r.counted("sessions.publicity.reached", "，覆盖群众", "人次"),
            "，群众尊法学法守法用法的意识不断增强。",
        ],
        _disputes(r),
        _hotline(r),
    )


def _disputes(r: Reader) -> Point:
    registered = r.counted("disputes.registered", "全年排查登记矛盾纠纷", "件")
    if not registered:
        return None
    sources = series(
        [
            r.counted("disputes.by_source.screening", "日常排查发现", "件"),
            r.counted("disputes.by_source.hotline_12345", "12345热线转来", "件"),
            r.counted("disputes.by_source.petition", "来信来访反映", "件"),
            r.counted("disputes.by_source.volunteer", "志愿者反映", "件"),
            r.counted("disputes.by_source.other", "其他渠道反映", "件"),
        ]
    )
    resolved = r.counted("disputes.resolved", "经调解成功化解", "件")
    return [
        "多元化解矛盾纠纷。",
        registered,
        ["（其中", sources, "）"] if sources else None,
        ["，", resolved, r.rated("mediation_success", "，调解成功率")] if resolved else None,
        r.counted("disputes.by_mediator.mediation_committee", "，其中人民调解委员会调解成功", "件"),
        r.counted("disputes.failed", "；另有", "件经调解未能化解"),
        "。",
    ]


def _hotline(r: Reader) -> Point:
    received = r.counted("hotline.received", "全年收到12345热线转办事项", "件")
    if not received:
        return None
    answered = r.counted("hotline.answered", "答复", "件")
    return [
        "用心办理群众诉求。",
        received,
        ["，", answered, r.rated("hotline_answer", "，答复率")] if answered else "，正在办理",
        r.counted("hotline.resolved", "，问题得到解决的", "件"),
        "。",
    ]


def _leaders_duty(r: Reader) -> tuple[Paragraph, ...]:
    """The principal leaders' duty: the head's own words only, no figure of its own."""
    return ()


THEMES: dict[str, Callable[[Reader], tuple[Paragraph, ...]]] = {
    STUDY: _study,
    DECISIONS: _decisions,
    WORKFORCE: _workforce,
    ENFORCEMENT: _enforcement,
    PUBLICITY_AND_DISPUTES: _publicity_and_disputes,
    LEADERS_DUTY: _leaders_duty,
}
