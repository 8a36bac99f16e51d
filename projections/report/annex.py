"""The annex 数据来源: every figure of the report's body, the entries behind it, and where the
township's pages show them (``places``). The moment the figures stand at is stated here, in
the installation's local time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import tzinfo

from domain.decision import REVIEW_RESULTS, REVIEWERS
from domain.figure_names import RATES
from projections.report.model import Annex, Figure, Source
from projections.report.phrasing import local_time, para
from projections.report.places import PAGE, where, where_rate
from projections.report.themes import STEP_CLAUSES

LISTED_UP_TO = 10  # entries named by their ids in the annex itself; more are found by the list

_SESSIONS = {
    "theory_study": "党委理论学习中心组专题学法",
    "political_study_day": "政治理论学习日活动",
    "pre_meeting_law_study": "会前学法",
    "lecture": "法治讲座",
    "enforcement_training": "执法业务培训",
    "publicity": "普法宣传活动",
}
_MEASURES = {
    "count": "场次",
    "attendees": "参加人次",
    "reached": "覆盖群众人次",
    "materials": "发放资料份数",
}
_REVIEWERS = {"legal_advisor": "法律顾问", "judicial_office": "司法所", "other": "其他机构"}
_RESULTS = {"approved": "同意", "approved_with_changes": "修改完善后同意", "rejected": "不予同意"}
_SOURCES = {
    "screening": "日常排查发现",
    "hotline_12345": "12345热线转来",
    "petition": "来信来访反映",
    "volunteer": "志愿者反映",
    "other": "其他渠道反映",
}
_MEDIATORS = {
    "mediation_committee": "人民调解委员会",
    "legal_advisor": "法律顾问",
    "volunteer": "志愿者",
    "other": "其他调解力量",
}

LABELS: dict[str, str] = {
    **{
        f"sessions.{kind}.{measure}": f"{name}{_MEASURES[measure]}"
        for kind, name in _SESSIONS.items()
        for measure in _MEASURES
    },
    "meetings.count": "党委会议次数",
    "meetings.matters_decided": "党委会议决定重大事项数",
    "decisions.reviewed": "提请审查的重大行政决策数",
    "decisions.with_legality_review": "经过合法性审查的重大行政决策数",
    **{
        f"decisions.by_step.{step}": f"重大行政决策中{clause.removesuffix('的')}的数量"
        for step, clause in STEP_CLAUSES.items()
    },
    **{f"decisions.by_reviewer.{r}": f"{_REVIEWERS[r]}审查的重大决策数" for r in REVIEWERS},
    **{f"decisions.by_result.{r}": f"审查结果为{_RESULTS[r]}的重大决策数" for r in REVIEW_RESULTS},
    "inspections": "执法检查次数",
    "issues.found": "执法检查发现问题数",
    "issues.rectified": "已整改问题数",
    "issues.overdue": "超过整改期限未整改问题数",
    "disputes.registered": "排查登记矛盾纠纷数",
    "disputes.resolved": "调解成功矛盾纠纷数",
    "disputes.failed": "经调解未能化解矛盾纠纷数",
    **{f"disputes.by_source.{s}": f"矛盾纠纷中{name}的数量" for s, name in _SOURCES.items()},
    **{f"disputes.by_mediator.{m}": f"{name}调解成功矛盾纠纷数" for m, name in _MEDIATORS.items()},
    "hotline.received": "12345热线转办事项数",
    "hotline.answered": "12345热线转办事项答复数",
    "hotline.resolved": "12345热线转办事项解决数",
    "roster.advisors_township": "本级聘请法律顾问人数",
    "roster.advisors_community": "社区（村）聘请法律顾问人数",
    "roster.liaisons": "“法律明白人”人数",
    "roster.volunteers": "签订承诺践诺责任书的志愿者人数",
    "roster.volunteer_posts": "认领岗位的志愿者人数",
    "roster.officers": "持有行政执法证件人数",
    "rates.legality_review_coverage": "合法性审查覆盖率",
    "rates.rectification": "问题整改率",
    "rates.on_time_rectification": "问题按期整改率",
    "rates.mediation_success": "矛盾纠纷调解成功率",
    "rates.hotline_answer": "12345热线转办事项答复率",
}

COLUMNS = ("序号", "数据", "数值", "依据的记录（条）", "在台账中查看")


def build_annex(
    figures: Iterable[Figure],
    sources: Mapping[str, Sequence[str]],
    *,
    township_name: str,
    year: int,
    as_of: str,
    zone: tzinfo | None = None,
) -> Annex:
    """The annex for the body's ``figures``; ``sources`` gives the ids of the entries behind
    each count figure that has any. Raises ValueError for a figure it cannot label."""
    rows: dict[str, Source] = {}
    for figure in figures:
        if figure.path not in rows:
            rows[figure.path] = _source(figure, sources, year)
    when = f"本报告数据截至{local_time(as_of, zone)}，" if as_of else "本报告数据"
    return Annex(
        heading="附件：数据来源",
        paragraphs=(
            para(
                when,
                f"由{township_name}在工作台账中逐条登记的记录汇总而来，已撤回的记录不计入。",
            ),
            para(
                "下表列出正文中的每项数据、依据的记录条数，以及在台账中查看这些记录的方法："
                f"在“{PAGE}”页按所列类型和日期（某年即该年1月1日至12月31日）筛选，"
                "再按所列状态筛选，或逐条查看所列内容；比率列出其分母和分子的记录。"
                f"依据的记录不超过{LISTED_UP_TO}条的，同时列出记录编号。"
            ),
        ),
        columns=COLUMNS,
        sources=tuple(rows.values()),
    )


def _source(figure: Figure, sources: Mapping[str, Sequence[str]], year: int) -> Source:
    label = LABELS.get(figure.path)
    if label is None:
        raise ValueError(f"the annex has no label for figure {figure.path!r}")
    if figure.path.startswith("rates."):
        numerator, denominator = RATES[figure.path.removeprefix("rates.")]
        counts = (len(_ids(sources, numerator)), len(_ids(sources, denominator)))
        found = where_rate(numerator, denominator, year, counts)
        return Source(label, figure.path, figure.text, *counts, where=found)
    ids = tuple(sorted(_ids(sources, figure.path)))
    listed = ids if len(ids) <= LISTED_UP_TO else ()
    return Source(label, figure.path, figure.text, len(ids), None, listed, where(figure.path, year))


def _ids(sources: Mapping[str, Sequence[str]], path: str) -> Sequence[str]:
    """The entries behind a count figure (none when ``sources`` does not name it)."""
    return sources.get(path, ())
