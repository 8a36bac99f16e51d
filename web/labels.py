"""What pages call the ledger's types, fields and values (Simplified Chinese; the English
catalogue translates them)."""

from __future__ import annotations

import re
from functools import reduce
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from projections.report.phrasing import share_percent

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
    "report_accepted": _l("县级采纳"),
    "report_returned": _l("县级退回"),
}

FIELDS = {
    "id": _l("编号"),
    "occurred_on": _l("发生日期"),
    "kind": _l("类别"),
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
}

RATES = {
    "legality_review_coverage": _l("合法性审查覆盖率"),
    "rectification": _l("整改率"),
    "on_time_rectification": _l("按期整改率"),
    "mediation_success": _l("调解成功率"),
    "hotline_answer": _l("12345答复率"),
}

# The figures the auditor's pages show first, by their names in the figures document.
FIGURES = {
    "disputes.registered": _l("排查矛盾纠纷"),
    "disputes.resolved": _l("调解成功"),
    "issues.found": _l("发现问题"),
    "issues.rectified": _l("已整改"),
    "issues.overdue": _l("逾期未整改"),
    "hotline.received": _l("12345转办"),
    "hotline.answered": _l("12345答复"),
    "meetings.count": _l("党委会议"),
    "decisions.reviewed": _l("重大决策合法性审查"),
    "inspections": _l("执法检查"),
}

RATE_PARTS = {"numerator": _l("分子"), "denominator": _l("分母"), "value": _l("比率")}

# What a verification found (services/verification.py KINDS), in the user's words.
FINDINGS = {
    "unreadable": _l("这条存储记录已无法读取：数据库中的内容被改动过"),
    "misfiled": _l("这条记录被存放在另一条记录的编号下"),
    "misfiled_link": _l("这一环被存放在另一个乡镇的哈希链中"),
    "uncovered": _l("这条记录不在本乡镇的哈希链中：它是绕过台账写入数据库的"),
    "link_missing": _l("哈希链缺少这一环：其后的记录可能被删除"),
    "link_broken": _l("这一环与前一环的哈希不衔接"),
    "link_altered": _l("这一环的内容与它的哈希不符：哈希链被改动过"),
    "twice": _l("这条记录被哈希链登记了两次"),
    "event_missing": _l("哈希链登记过的这条记录已不在台账中：它被删除了"),
    "event_altered": _l("这条记录的内容与登记时不同：它被改动过"),
    "anchor_lost": _l("已发布文件锚定的链头已不在链上：发布之后的记录被截去"),
    "anchor_differs": _l("已发布文件锚定的链头与链上的不同：哈希链被改写过"),
    "read_model": _l("页面和报表所用的汇总数据与按台账重算的结果不一致"),
    "timestamp_invalid": _l("可信时间戳无效：它被改动过，或不是所配置的时间戳机构签发的"),
    "timestamp_other_hash": _l("可信时间戳证明的是另一个哈希，不是它所记录的发布文件或链头"),
    "timestamp_differs": _l("可信时间戳旁记录的时间或机构与时间戳本身不符"),
    "timestamp_unanchored": _l("可信时间戳所证明的发布文件或链环已不在台账中"),
}
LINK_FINDINGS = frozenset(
    (
        "misfiled_link",
        "link_missing",
        "link_broken",
        "link_altered",
        "anchor_lost",
        "anchor_differs",
    )
)


def label(table: dict, key: str) -> str:
    return str(table.get(key, key))


def field_label(field: str) -> str:
    """A field as pages call it: 「发生日期」 for occurred_on; a part of a field
    (indicators[2].weight, themes.study) as its field's label and the part."""
    if field in FIELDS:
        return str(FIELDS[field])
    base = field.split(".")[0].split("[")[0]
    if base in FIELDS:
        return str(FIELDS[base]) + field[len(base) :]
    return field


def value_label(value) -> str:
    """A stored value as pages call it (true and false as 是 and 否)."""
    key = str(value).lower() if isinstance(value, bool) else str(value)
    return label(VALUES, key)


def figure_label(name: str) -> str:
    """A figure's name in the figures document as pages call it (else the name itself)."""
    if name in FIGURES:
        return str(FIGURES[name])
    parts = name.split(".")
    if parts[0] == "rates" and len(parts) == 3:
        return f"{label(RATES, parts[1])}（{label(RATE_PARTS, parts[2])}）"
    return name


def figure_of(document: dict, name: str) -> Any:
    """The value of a dotted figure name in a figures document."""
    return reduce(lambda value, key: (value or {}).get(key), name.split("."), document)


LOOKS = (
    (re.compile(r"history of entry (?P<entry>.+)"), lambda m: _("查看记录 %(entry)s 的历史", **m)),
    (
        re.compile(r"history from (?P<start>\S+) to now"),
        lambda m: _("查看 %(start)s 以来登记的全部记录", **m),
    ),
    (
        re.compile(r"history from (?P<start>\S+) to (?P<end>\S+)"),
        lambda m: _("查看 %(start)s 至 %(end)s 登记的全部记录", **m),
    ),
    (
        re.compile(r"ranking of (?P<period>\S+) as of (?P<moment>\S+)"),
        lambda m: _("查看 %(period)s 排名截至 %(moment)s 的情况", **m),
    ),
    (
        re.compile(r"figures of (?P<period>\S+) as of (?P<moment>\S+)"),
        lambda m: _("查看 %(period)s 数据截至 %(moment)s 的情况", **m),
    ),
    (re.compile(r"verification"), lambda m: _("完整性核验")),
    (re.compile(r"export"), lambda m: _("下载审计导出文件")),
    (re.compile(r"publication (?P<id>\S+)"), lambda m: _("下载发布文件 %(id)s", **m)),
)


def look_label(action: str) -> str:
    """What an auditor did (the audit trail's action, services/trail.py) in the user's words;
    an action of another shape as it was recorded."""
    for pattern, words in LOOKS:
        found = pattern.fullmatch(action)
        if found:
            return words(found.groupdict())
    return action


def register_labels(app) -> None:
    app.jinja_env.globals.update(TYPES=TYPES, FIELDS=FIELDS, VALUES=VALUES, RATES=RATES)
    app.jinja_env.filters["type_label"] = lambda key: label(TYPES, key)
    app.jinja_env.filters["field_label"] = field_label
    app.jinja_env.filters["value_label"] = value_label
    app.jinja_env.filters["percent"] = share_percent
    app.jinja_env.filters["rate_label"] = lambda key: label(RATES, key.removeprefix("rates."))
    app.jinja_env.filters["figure_label"] = figure_label
    app.jinja_env.filters["figure"] = figure_of
    app.jinja_env.filters["look_label"] = look_label
    app.jinja_env.filters["finding_label"] = lambda kind: label(FINDINGS, kind)
    app.jinja_env.globals.update(FIGURES=FIGURES, LINK_FINDINGS=LINK_FINDINGS)
