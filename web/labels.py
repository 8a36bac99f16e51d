"""What pages call the ledger's types, fields and values (Simplified Chinese; the English
catalogue translates them)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import reduce
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from projections.report.phrasing import share_percent
from web import when

TYPES = {
    "session_held": _l("学法/培训/普法活动"),
    "meeting_held": _l("党委会议"),
    "decision_reviewed": _l("重大决策合法性审查"),
    "inspection_conducted": _l("执法检查"),
    "issue_found": _l("发现问题"),
    "issue_rectified": _l("督促整改"),
    "dispute_registered": _l("排查矛盾纠纷"),
    "dispute_mediated": _l("调解"),
    "hotline_case_received": _l("12345转办"),
    "hotline_case_answered": _l("12345答复"),
    "advisor_appointed": _l("法律顾问"),
    "liaison_registered": _l("法律明白人"),
    "volunteer_pledged": _l("志愿者"),
    "officer_certified": _l("执法证"),
    "entry_retracted": _l("更正（撤回）"),
    "report_narrative": _l("存在的问题、下一步打算"),
    "report_submitted": _l("报送年度报告"),
    "quarter_submitted": _l("报送季度台账"),
    "report_accepted": _l("县级采纳"),
    "report_returned": _l("县级退回"),
    "evidence_attached": _l("添加佐证材料"),
    "evidence_retracted": _l("撤回佐证材料"),
}

FIELDS = {
    "id": _l("编号"),
    "occurred_on": _l("发生日期"),
    "kind": _l("活动类别"),  # 类别 is the category of a dispute or issue: one name a column
    "title": _l("标题"),
    "attendees": _l("参加人次"),
    "laws": _l("所学法律（每行一部）"),
    "reached": _l("覆盖人数"),
    "materials": _l("发放资料份数"),
    "matters_decided": _l("研究重大事项数"),
    "steps": _l("经过的程序"),
    "reviewer": _l("审查人"),
    "result": _l("审查结果"),
    "area": _l("检查领域"),
    "category": _l("类别"),
    "description": _l("问题描述"),
    "deadline": _l("整改期限"),
    "inspection": _l("所属执法检查编号"),
    "source": _l("来源"),
    "outcome": _l("调解结果"),
    "mediator": _l("调解人"),
    "resolved": _l("是否解决"),
    "level": _l("层级"),
    "post": _l("认领岗位"),
    "reason": _l("原因"),
    "year": _l("年度"),
    "quarter": _l("季度"),
    "problems": _l("存在的问题"),
    "next_steps": _l("下一步打算"),
    "themes": _l("各项工作的补充说明（选填）"),
    "township": _l("乡镇"),
    "type": _l("类型"),
    "password": _l("密码"),
    "indicators": _l("指标"),
    "username": _l("用户名"),
    "current_password": _l("当前密码"),
    "new_password": _l("新密码"),
    "file": _l("文件"),
    "evidence": _l("佐证材料"),
    "sha256": _l("文件指纹（SHA-256）"),
    "size": _l("文件大小（字节）"),
    "media_type": _l("文件类型"),
    "name": _l("名称"),
    "period": _l("期间"),
    "as_of": _l("截至时刻"),
    "from": _l("起始时刻"),
    "to": _l("截止时刻"),
    "figure": _l("数据项"),
    "county": _l("县"),
    "code": _l("代码"),
    "role": _l("角色"),
    "limit": _l("每页条数"),
    "cursor": _l("翻页位置"),
    # The data-quality rules' settings (the quality-rules page; docs/figures.md).
    "backfilled.days": _l("集中补录的天数"),
    "backfilled.above": _l("集中补录的提示线"),
    "rushed.days": _l("截止前突击登记的天数"),
    "rushed.above": _l("截止前突击登记的提示线"),
    "same_day_closures.min_closed": _l("当日办结偏多的最少办结件数"),
    "same_day_closures.above": _l("当日办结偏多的提示线"),
    "retractions.above": _l("撤回偏多的提示线"),
}

# Parts of a field's name that are no field of their own (groups[1].indicators[2].weight).
PARTS = {
    "groups": _l("分组"),
    "weight": _l("权重"),
    "direction": _l("方向"),
}

ROLES = {
    "clerk": _l("镇办事员"),
    "head": _l("镇领导"),
    "county_officer": _l("县依法治县办"),
    "auditor": _l("审计"),
    "admin": _l("管理员"),
    "operator": _l("命令行操作员"),
}

VALUES = {
    "theory_study": _l("理论学习中心组学法"),
    "political_study_day": _l("政治理论学习日"),
    "pre_meeting_law_study": _l("会前学法"),
    "lecture": _l("法治讲座"),
    "enforcement_training": _l("执法培训"),
    "publicity": _l("普法宣传活动"),
    "public_participation": _l("公众参与"),
    "expert_consultation": _l("专家论证"),
    "risk_assessment": _l("风险评估"),
    "legality_review": _l("合法性审查"),
    "collective_decision": _l("集体讨论决定"),
    "disclosure": _l("公开"),
    "legal_advisor": _l("法律顾问"),
    "judicial_office": _l("司法所"),
    "other": _l("其他"),
    "approved": _l("通过"),
    "approved_with_changes": _l("修改后通过"),
    "rejected": _l("未通过"),
    "screening": _l("排查发现"),
    "hotline_12345": _l("12345热线"),
    "petition": _l("信访"),
    "volunteer": _l("志愿者"),
    "resolved": _l("调解成功"),
    "failed": _l("调解不成功"),
    "mediation_committee": _l("调解委员会"),
    "township": _l("乡镇级"),
    "community": _l("村（社区）级"),
    "none": _l("未认领"),
    "mediation": _l("调解"),
    "true": _l("是"),
    "false": _l("否"),
    "study": _l("学法用法"),
    "decisions": _l("依法决策"),
    "workforce": _l("法治队伍建设"),
    "enforcement": _l("严格规范执法"),
    "publicity_and_disputes": _l("普法与矛盾纠纷化解"),
    "leaders_duty": _l("履行第一责任人职责"),
    "higher": _l("越高越好"),
    "lower": _l("越低越好"),
    "application/pdf": _l("PDF文件"),
    "image/jpeg": _l("JPEG图片"),
    "image/png": _l("PNG图片"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _l("Word文档"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _l("Excel工作簿"),
}

RATES = {
    "legality_review_coverage": _l("合法性审查覆盖率"),
    "rectification": _l("整改率"),
    "on_time_rectification": _l("按期整改率"),
    "mediation_success": _l("调解成功率"),
    "hotline_answer": _l("12345答复率"),
}

# Every figure of the figures document (domain/figure_names.py) by its Chinese name: these by
# name, the families (a session kind's counts, decisions by result …) by FAMILIES below.
COUNTS = {
    "meetings.count": _l("党委会议次数"),
    "meetings.matters_decided": _l("党委会议研究重大事项数"),
    "decisions.reviewed": _l("审查的重大决策数"),
    "decisions.with_legality_review": _l("经合法性审查的重大决策数"),
    "inspections": _l("执法检查次数"),
    "issues.found": _l("发现问题数"),
    "issues.rectified": _l("已整改问题数"),
    "issues.rectified_on_time": _l("按期整改问题数"),
    "issues.overdue": _l("逾期未整改问题数"),
    "disputes.registered": _l("排查矛盾纠纷数"),
    "disputes.resolved": _l("调解成功纠纷数"),
    "disputes.failed": _l("调解不成功纠纷数"),
    "hotline.received": _l("12345转办件数"),
    "hotline.answered": _l("12345已答复件数"),
    "hotline.resolved": _l("12345已解决件数"),
    "roster.advisors_township": _l("镇级法律顾问人数"),
    "roster.advisors_community": _l("村（社区）法律顾问人数"),
    "roster.liaisons": _l("法律明白人人数"),
    "roster.volunteers": _l("志愿者人数"),
    "roster.volunteer_posts": _l("认领岗位的志愿者人数"),
    "roster.officers": _l("持执法证人员数"),
}
# A family's figures, ``<family>.<value>``: the value's label in the family's sentence.
FAMILIES = {
    "decisions.by_result": lambda v: _("审查结果为“%(value)s”的重大决策数", value=v),
    "decisions.by_reviewer": lambda v: _("审查人为“%(value)s”的重大决策数", value=v),
    "decisions.by_step": lambda v: _("经过“%(value)s”程序的重大决策数", value=v),
    "disputes.by_mediator": lambda v: _("调解人为“%(value)s”的纠纷数", value=v),
    "disputes.by_source": lambda v: _("来源为“%(value)s”的纠纷数", value=v),
}
# A session kind's measures, ``sessions.<kind>.<measure>``.
SESSION_MEASURES = {
    "count": lambda kind: _("%(kind)s次数", kind=kind),
    "attendees": lambda kind: _("%(kind)s参加人次", kind=kind),
    "reached": lambda kind: _("%(kind)s覆盖人数", kind=kind),
    "materials": lambda kind: _("%(kind)s发放资料份数", kind=kind),
    "laws": lambda kind: _("%(kind)s所学法律", kind=kind),
}
# The figures the auditor's pages show first.
FIGURES_FIRST = (
    "disputes.registered",
    "disputes.resolved",
    "issues.found",
    "issues.rectified",
    "issues.overdue",
    "hotline.received",
    "hotline.answered",
    "meetings.count",
    "decisions.reviewed",
    "inspections",
)

# The ranking's formula and its rule, as the ranking pages and workbooks write them
# (domain/ranking.py computes it).
FORMULA = _l("得分 = 100 × Σ（权重 × 计分值）÷ Σ（权重），两个Σ都只计该乡镇有数据的指标。")
SCORED_VALUES = _l(
    "比率的计分值就是比率本身（越低越好时为 1 − 比率）；数量的计分值按全县各乡镇折算为"
    "（数值 − 最小值）÷（最大值 − 最小值）（越低越好时为（最大值 − 数值）÷（最大值 − 最小值）），"
    "各乡镇数值都相同时为 1。"
)
RULE = _l("某项指标没有数据的乡镇，该指标不计入其得分，其余权重按比例折算；得分相同则名次相同。")

RATE_PARTS = {"numerator": _l("分子"), "denominator": _l("分母"), "value": _l("比率")}


def label(table: dict, key: str) -> str:
    return str(table.get(key, key))


def field_label(field: str) -> str:
    """A field as pages call it: 「发生日期」 for occurred_on; a part of a field
    (indicators[2].weight, themes.study) as its field's label and the part."""
    if field in FIELDS:
        return str(FIELDS[field])
    base = field.split(".")[0].split("[")[0]
    if base in FIELDS or base in PARTS:
        return ".".join(_part(part) for part in field.split("."))
    return field


def _part(part: str) -> str:
    """One part of a field's name (``indicators[2]``, ``weight``) as pages call it."""
    name = part.split("[")[0]
    said = FIELDS.get(name) or PARTS.get(name)
    return str(said) + part[len(name) :] if said else part


def value_label(value) -> str:
    """A stored value as pages call it (true and false as 是 and 否)."""
    key = str(value).lower() if isinstance(value, bool) else str(value)
    return label(VALUES, key)


def figure_label(name: str) -> str:
    """A figure's name in the figures document (``disputes.by_source.petition``,
    ``rates.rectification``, ``rates.rectification.numerator``) as pages call it; a name
    that is no figure as it is."""
    if name in COUNTS:
        return str(COUNTS[name])
    family, _dot, last = name.rpartition(".")
    if family in FAMILIES:
        return FAMILIES[family](value_label(last))
    parts = name.split(".")
    if parts[0] == "sessions" and len(parts) == 3 and parts[2] in SESSION_MEASURES:
        return SESSION_MEASURES[parts[2]](value_label(parts[1]))
    if parts[0] == "rates" and len(parts) == 2:
        return label(RATES, parts[1])
    if parts[0] == "rates" and len(parts) == 3:
        return _(
            "%(rate)s（%(part)s）", rate=label(RATES, parts[1]), part=label(RATE_PARTS, parts[2])
        )
    return name


def figure_of(document: dict, name: str) -> Any:
    """The value of a dotted figure name in a figures document."""
    return reduce(lambda value, key: (value or {}).get(key), name.split("."), document)


def listed(items: Iterable[Any]) -> str:
    """Items one after another as the page's language lists them: 甲、乙、丙; a, b, c."""
    return ("、" if when.language() == "zh" else ", ").join(str(item) for item in items)


def field_value(value: Any) -> str:
    """A field's value as pages show it: a choice by its label, a list of them listed, a
    narrative's themes by their names."""
    if isinstance(value, Mapping | list | tuple):
        return listed(value_label(item) for item in value)
    return value_label(value)


def field_values(fields: Mapping[str, Any]) -> str:
    """An event's fields on one line, as audit tables show them (a narrative's themes with
    their text): 来源：排查发现；类别：合同纠纷."""
    zh = when.language() == "zh"
    pair, between = ("%s：%s", "；") if zh else ("%s: %s", "; ")

    def shown(value: Any) -> str:
        if isinstance(value, Mapping):
            return between.join(pair % (value_label(k), v) for k, v in value.items())
        return field_value(value)

    return between.join(
        pair % (field_label(k), shown(v)) for k, v in fields.items() if v is not None
    )


# The data-quality rules' names (docs/figures.md "Data quality"; the pages' _quality.html).
QUALITY_FLAGS = {
    "backfilled": _l("集中补录"),
    "rushed": _l("截止前突击登记"),
    "same_day_closures": _l("当日办结偏多"),
    "retractions": _l("撤回偏多"),
}


def weighted(weights: Iterable[Mapping[str, Any]]) -> str:
    """The indicators in force with their weights: 调解成功率 ×1、整改率 ×2."""
    return listed(f"{figure_label(w['figure'])} ×{w['weight']}" for w in weights)


def register_labels(app) -> None:
    app.jinja_env.globals.update(TYPES=TYPES, FIELDS=FIELDS, VALUES=VALUES, RATES=RATES)
    when.register_filters(
        app,
        type_label=lambda key: label(TYPES, key),
        field_label=field_label,
        value_label=value_label,
        percent=share_percent,
        rate_label=lambda key: figure_label(f"rates.{key}"),
        figure_label=figure_label,
        figure=figure_of,
        listed=listed,
        field_value=field_value,
        field_values=field_values,
        weighted=weighted,
        role_label=lambda key: label(ROLES, key),
    )
    app.jinja_env.globals.update(
        FIGURES_FIRST=FIGURES_FIRST,
        FORMULA=FORMULA,
        SCORED_VALUES=SCORED_VALUES,
        RULE=RULE,
    )
