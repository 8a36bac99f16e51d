"""What pages say for the ledger's messages (domain/messages.py): each code's sentence in
Simplified Chinese (the English catalogue translates them), filled in with its parameters as
pages name things: entry types, values and roles by their labels, numbers as the English
sentence formats them.

A message beside its field says what is wrong with it; a message away from its field (at the
top of a page, in an import's list of lines) names the field by its label first."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from domain.errors import LedgerError
from domain.messages import Message, placeholders
from web import when
from web.labels import (
    ROLES,
    TYPES,
    field_label,
    figure_label,
    label,
    listed,
    value_label,
)

SAID = {
    "value.not_whole": _l("须为整数，填写的是 %(got)s"),
    "value.negative": _l("不能为负数，填写的是 %(got)s"),
    "value.too_large": _l("不能超过 %(most)s，填写的是 %(got)s"),
    "value.not_allowed": _l("须为以下之一：%(allowed)s；填写的是 %(got)s"),
    "value.not_flag": _l("须为“是”或“否”，填写的是 %(got)s"),
    "value.unstorable": _l("无法保存（%(kind)s）"),
    "text.empty": _l("不能为空"),
    "text.too_long": _l("不能超过 %(most)s 个字，填写了 %(length)s 个字"),
    "text.refused_character": _l("第 %(position)s 个字符 %(character)s 不能使用"),
    "list.not_list": _l("须为一组值"),
    "list.not_texts": _l("须为一组文字"),
    "list.too_long": _l("最多 %(most)s 项，填写了 %(length)s 项"),
    "list.repeated": _l("不能重复选择同一项"),
    "date.malformed": _l("须为日期，格式为 年-月-日（如 2024-03-05），填写的是 %(got)s"),
    "date.out_of_range": _l("须在 %(first)s 至 %(last)s 之间，填写的是 %(got)s"),
    "date.after_today": _l("不能晚于今天（%(today)s），填写的是 %(got)s"),
    "year.out_of_range": _l("须为 %(first)s 至 %(last)s 之间的年份，填写的是 %(got)s"),
    "notice.not_found": _l("所选提醒不存在"),
    "email.malformed": _l("须为电子邮箱地址（如 name@example.org），填写的是 %(got)s"),
    "code.malformed": _l("须为 1 至 %(most)s 个小写字母、数字或“-”“_”“.”，填写的是 %(got)s"),
    "code.not_text": _l("须为代码（如 gongliu），填写的是 %(got)s"),
    "id.malformed": _l("不能为空，最多 %(most)s 个字符"),
    "id.spaces": _l("开头和结尾不能有空格"),
    "id.refused_character": _l("不能包含字符 %(character)s"),
    "id.unsafe_character": _l(
        "只能由文字、字母、数字和“-”“_”“.”组成，并以文字、字母或数字开头；"
        "第 %(position)s 个字符 %(character)s 不能使用"
    ),
    "id.double_dot": _l("不能包含“..”"),
    "id.not_normal": _l("第 %(position)s 个字符 %(character)s 须写作 %(normal)s"),
    "field.unknown": _l("不是这类记录的项目"),
    "field.required": _l("必须填写"),
    "moment.malformed": _l("须为日期和时间（年-月-日 时:分），填写的是 %(got)s"),
    "moment.too_late": _l("须为公元10000年以前的时间，填写的是 %(got)s"),
    "moment.out_of_range": _l("须为 %(first)s 至 %(last)s 之前的时间，填写的是 %(got)s"),
    "period.malformed": _l("须写作 2024、2024-Q1 或 2024-03，填写的是 %(got)s"),
    "period.too_early": _l("须为 %(first)s 年以后，填写的是 %(got)s"),
    "period.too_late": _l("须不晚于 %(last)s 年，填写的是 %(got)s"),
    "entry.not_found": _l("%(township)s 没有编号为 %(id)s 的记录"),
    "entry.nothing_to_follow": _l("%(township)s 没有编号为 %(id)s 的记录，无法登记“%(type)s”"),
    "entry.does_not_follow": _l("记录 %(id)s 是“%(existing)s”，不能登记“%(type)s”"),
    "entry.retracted": _l("记录 %(id)s 已于 %(on)s 撤回，不能再登记后续事项"),
    "entry.follow_up_before": _l("不能早于所跟进记录的日期（%(on)s）"),
    "entry.recorded_otherwise": _l("记录 %(id)s 已按其他内容登记；如需更正，请撤回后重新登记"),
    "entry.changed_meanwhile": _l("登记记录 %(id)s 时本乡镇的记录恰被他人修改，请重试"),
    "id.taken": _l("编号 %(id)s 已用于一条“%(existing)s”记录"),
    "type.unknown": _l("没有“%(type)s”这类记录"),
    "issue.deadline_before_found": _l("不能早于发现问题的日期（%(on)s）"),
    "issue.already_rectified": _l("问题 %(id)s 已于 %(on)s 整改"),
    "inspection.unknown": _l("%(township)s 没有编号为 %(id)s 的执法检查"),
    "dispute.already_resolved": _l("纠纷 %(id)s 已于 %(on)s 调解成功，不再调解"),
    "hotline.already_answered": _l("12345转办件 %(id)s 已于 %(on)s 答复"),
    "themes.not_object": _l("须按工作主题分别填写"),
    "themes.unknown": _l("没有“%(theme)s”这一主题；主题有：%(themes)s"),
    "report.already_answered": _l(
        "%(year)s 年度报告 %(id)s 已于 %(on)s 得到县级答复（%(answer)s）"
    ),
    "report.awaiting_answer": _l(
        "%(year)s 年度报告（%(id)s）正在等待县级答复，县级退回后才能重新报送"
    ),
    "report.already_accepted": _l("%(year)s 年度报告（%(id)s）已被县级采纳，不再重新报送"),
    "report.accepted_not_retracted": _l("%(year)s 年度报告（%(id)s）已被县级采纳，其报送不能撤回"),
    "report.not_submitted": _l("%(township)s 尚未报送 %(year)s 年度报告"),
    "quarter.out_of_range": _l("须为 1 至 4 之间的季度，填写的是 %(got)s"),
    "quarter.not_begun": _l("%(period)s尚未开始，不能报送"),
    "quarter.already_submitted": _l("%(period)s的台账已报送（%(id)s），撤回后才能重新报送"),
    "role.records_nothing": _l("%(role)s不登记乡镇的记录"),
    "role.retracts_what_it_records": _l(
        "%(role)s只能撤回自己可以登记的记录；这条记录含有“%(type)s”"
    ),
    "role.head_only": _l("只有镇领导可以登记“%(type)s”"),
    "role.county_office_records": _l("只有县依法治县办可以登记“%(type)s”"),
    "role.sets_indicators": _l("只有县依法治县办可以设置排名指标"),
    "role.sets_quality_rules": _l("只有县依法治县办可以设置数据质量规则"),
    "role.sets_groups": _l("只有县依法治县办可以设置乡镇分组"),
    "role.publishes": _l("只有县依法治县办可以发布"),
    "role.sets_calendar": _l("只有县依法治县办可以设置报送日历"),
    "role.audits": _l("只有审计人员可以核验账本或导出审计文件"),
    "role.administers": _l("只有管理员可以新建县、乡镇和用户"),
    "county.not_found": _l("没有代码为 %(code)s 的县"),
    "county.exists": _l("代码为 %(code)s 的县已存在"),
    "township.not_found": _l("没有代码为 %(code)s 的乡镇"),
    "township.exists": _l("代码为 %(code)s 的乡镇已存在"),
    "township.already_included": _l("%(township)s 已是 %(county)s 的乡镇"),
    "user.not_found": _l("没有用户 %(username)s"),
    "user.exists": _l("用户 %(username)s 已存在"),
    "user.needs_township": _l("%(role)s须属于一个乡镇（请给出 --township）"),
    "user.needs_county": _l("%(role)s须属于一个县（请给出 --county）"),
    "user.needs_nothing": _l("%(role)s不属于任何县或乡镇"),
    "signin.wrong": _l("用户名或密码不正确"),
    "signin.throttled": _l("登录失败次数过多，请 %(minutes)s 分钟后再试"),
    "signin.slowed": _l("此用户名从陌生地址登录失败次数过多，请 %(seconds)s 秒后再试"),
    "password.too_short": _l("至少 %(least)s 个可打印字符"),
    "password.too_common": _l("是最常见的密码之一，容易被猜中，请另选一个"),
    "two_factor.wrong": _l("不是身份验证器应用的有效验证码，也不是未用过的恢复码"),
    "two_factor.needed": _l("请输入身份验证器应用中的验证码（或一个恢复码）"),
    "two_factor.enrolment_required": _l("您的角色须启用两步验证：请先在网页上完成绑定"),
    "two_factor.already_enrolled": _l("已启用两步验证"),
    "password.not_current": _l("不是您当前的密码"),
    "role.officer_grants": _l(
        "县级工作人员只能授予乡镇录入员、乡镇负责人或审计员角色，不能授予%(role)s"
    ),
    "role.officer_administers": _l("县级工作人员只能管理乡镇录入员、乡镇负责人和审计员"),
    "user.moves_county": _l("用户不能调到其他县，请在该县另建账号"),
    "onboarding.too_many": _l("一个工作簿最多新建 %(most)s 个乡镇和人员"),
    "user.self": _l("不能停用或更改自己的账号"),
    "rights.changed_meanwhile": _l("权限在记录期间发生了变化，请重试"),
    "signin.disabled": _l("此账号已停用，请联系县级办公室"),
    "signin.suspended": _l("此县已暂停使用，请联系管理员"),
    "password.change_required": _l("这是一次性密码，请先设置您自己的密码"),
    "password.unchanged": _l("新密码不能与当前密码相同"),
    "token.unknown": _l("令牌无效、已过期或已撤销，请重新申请"),
    "token.changed_meanwhile": _l("令牌或其用户在请求期间被修改，请重试"),
    "token.throttled": _l(
        "每个用户 %(minutes)s 分钟内最多申请 %(most)s 个令牌；"
        "请继续使用已有的令牌（30 天内有效），或稍后再试"
    ),
    "figure.unknown": _l("没有“%(figure)s”这项数据；数据有：%(figures)s"),
    "indicators.empty": _l("至少要有一项指标"),
    "indicators.malformed": _l("每项指标只能包括数据项、方向和权重"),
    "indicators.not_rankable": _l("“%(figure)s”不能用于排名"),
    "indicators.direction": _l("须为“越高越好”或“越低越好”"),
    "indicators.weight": _l("权重须为大于0、不超过 %(most)s 的数"),
    "indicators.repeated": _l("同一数据项不能列两次"),
    "indicators.not_json": _l("不是有效的JSON：%(detail)s"),
    "deadlines.empty": _l("至少要设置一个年度的报送期限"),
    "deadlines.malformed": _l("每项期限只能包括年度、截止日和宽限天数"),
    "deadlines.period": _l("须为年度（如 2025）或季度（如 2025-Q1），不按月报送；填写的是 %(got)s"),
    "deadlines.due_in_period": _l("截止日须在%(period)s结束之后"),
    "deadlines.repeated": _l("同一年度不能列两次"),
    "groups.malformed": _l("每个分组只能包括名称、乡镇和（可选的）指标"),
    "groups.repeated": _l("分组名称“%(name)s”重复"),
    "groups.not_township": _l("“%(township)s”不是本县的乡镇"),
    "groups.placed_twice": _l("“%(township)s”已在另一个分组中（每个乡镇最多属于一个分组）"),
    "group.unknown": _l("本县（在该时刻）没有名为“%(name)s”的分组"),
    "quality.empty": _l("至少要设置一项数据质量规则（%(allowed)s）"),
    "quality.unknown_rule": _l("不是数据质量规则；规则有：%(allowed)s"),
    "quality.malformed": _l("只能设置：%(allowed)s"),
    "quality.share": _l("须为 0 至 1 之间的比例，填写的是 %(got)s"),
    "quality.whole": _l("须为 %(least)s 至 %(most)s 之间的整数，填写的是 %(got)s"),
    "quality.percent": _l("须为 0 至 100 之间的百分数，填写的是 %(got)s"),
    "limit.out_of_range": _l("须在 1 至 %(most)s 之间"),
    "cursor.unknown": _l("不是本列表给出的翻页位置"),
    "window.needs_start": _l("必须填写：时间段的开始"),
    "page.malformed": _l("须为从 1 起的页码，填写的是 %(got)s"),
    "page.beyond": _l("共有 %(pages)s 页"),
    "as_of.required": _l("必须填写：与今天比较的时刻"),
    "export.needs_scope": _l("请给出一个乡镇（--township）或一个县（--county）"),
    "verify.needs_township": _l("请给出 --township：台账逐个乡镇核验"),
    "publication.not_found": _l("没有编号为 %(id)s 的发布"),
    "timestamp.not_found": _l("编号为 %(id)s 的发布尚无可信时间戳"),
    "publication.altered": _l(
        "发布 %(id)s 与其 SHA-256 %(sha256)s 不再相符：台账数据库被改动过（请运行核验）"
    ),
    "trail.changed_meanwhile": _l("审计记录刚被修改，请重试"),
    "read_model.behind": _l("数据正在更新，请稍后重试"),
    "import.changed_meanwhile": _l(
        "导入此文件期间，有人登记了其中部分记录；已登记的保留，请再次导入同一文件以完成"
    ),
    "import.rejected": _l("%(count)s 行有误，未登记任何内容"),
    "import.rejected_more": _l("%(count)s 行有误（仅列出前面若干行），未登记任何内容"),
    "digest.malformed": _l("须为64位十六进制的SHA-256值，填写的是 %(got)s"),
    "value.too_small": _l("不能小于 %(least)s，填写的是 %(got)s"),
    "evidence.empty": _l("%(name)s 是空文件"),
    "evidence.too_large": _l("%(name)s 超过 %(most)s MiB"),
    "evidence.type_refused": _l("%(name)s 不是PDF、JPEG、PNG、Word（.docx）或Excel（.xlsx）文件"),
    "evidence.damaged": _l("%(name)s 是无法完整读取的%(kind)s文件（已损坏或不完整）"),
    "evidence.unpacks_too_large": _l("%(name)s 是解压后过大的%(kind)s文件"),
    "evidence.too_many": _l("记录 %(id)s 已有 %(most)s 份佐证材料，不能再添加"),
    "evidence.not_carried": _l("记录 %(id)s 没有佐证材料 %(sha256)s"),
    "evidence.not_found": _l("没有佐证材料 %(sha256)s"),
    "evidence.not_sent": _l("填写的 %(name)s 不在ZIP文件中"),
    "evidence.too_many_named": _l("列出的文件超过一条记录最多可附的 %(most)s 份"),
    "bundle.not_zip": _l("不是ZIP文件"),
    "bundle.no_workbook": _l("ZIP文件的最外层没有Excel工作簿（.xlsx）"),
    "bundle.workbooks": _l("ZIP文件的最外层有不止一个Excel工作簿：%(names)s"),
    "bundle.too_many": _l("ZIP文件中的文件超过 %(most)s 个"),
    "bundle.name_twice": _l("ZIP文件中有两个文件都名为 %(name)s"),
    "bundle.too_large": _l("ZIP文件中的 %(name)s 解压后超过 %(most)s MiB"),
    "bundle.unpacks_too_large": _l("ZIP文件中的文件解压后合计超过 %(most)s MiB"),
    "bundle.broken": _l("ZIP文件中的 %(name)s 已损坏，无法读取"),
    "workbook.files_need_zip": _l("列出了佐证材料：请将工作簿和这些文件一起打包为ZIP上传"),
    "file.not_workbook": _l("不是Excel工作簿（.xlsx）"),
    "file.too_large": _l("文件超过 %(most)s MiB，请拆分"),
    "file.utf16": _l("文件似为UTF-16编码，请另存为UTF-8"),
    "file.not_utf8": _l("不是UTF-8编码（第 %(position)s 个字节 %(byte)s）"),
    "file.gbk": _l("不是UTF-8编码，似为GBK（GB2312），请另存为UTF-8"),
    "file.column_twice": _l("第 1 行有两列都名为 %(name)s，请只保留一列"),
    "workbook.too_large": _l("解压后超过 %(most)s MiB，请拆分文件"),
    "workbook.packed_too_tightly": _l("压缩了 %(ratio)s 倍，正常的Excel工作簿不会如此，不予读取"),
    "workbook.broken": _l("工作簿已损坏（%(part)s），请用Excel或WPS打开后重新保存"),
    "workbook.no_sheet": _l("工作簿中没有工作表"),
    "workbook.too_many_parts": _l("工作簿包含的部件超过 %(most)s 个，正常的Excel工作簿不会如此"),
    "sheet.too_many_rows": _l(
        "工作表“%(sheet)s”第 %(row)s 行：超出了可填写的最后一行（第 %(most)s 行），"
        "请删去记录下方多余的行，或拆分文件"
    ),
    "sheet.too_many_columns": _l(
        "工作表“%(sheet)s”第 %(row)s 行：%(column)s 列超出了可填写的最后一列（第 %(most)s 列）"
    ),
    "sheet.too_many_cells": _l(
        "工作表“%(sheet)s”第 %(row)s 行：单元格超过 %(most)s 个，请拆分文件"
    ),
    "sheet.broken": _l("工作表“%(sheet)s”第 %(row)s 行之后已损坏，请用Excel或WPS打开后重新保存"),
    "cell.bad_reference": _l("工作表“%(sheet)s”第 %(row)s 行：%(cell)s 不是本行的单元格"),
    "cell.not_number": _l("工作表“%(sheet)s”第 %(row)s 行单元格 %(cell)s：%(got)s 不是数字"),
    "cell.not_date": _l("工作表“%(sheet)s”第 %(row)s 行单元格 %(cell)s：%(got)s 不是日期"),
    "cell.no_string": _l(
        "工作表“%(sheet)s”第 %(row)s 行单元格 %(cell)s：引用了工作簿中不存在的文字"
    ),
    "cell.too_long": _l("工作表“%(sheet)s”第 %(row)s 行单元格 %(cell)s：超过 %(most)s 个字"),
    "line.too_long": _l("一行超过 %(most)s KiB"),
    "line.not_json": _l("不是有效的JSON（第 %(column)s 列：%(detail)s）"),
    "line.long_number": _l("不是有效的JSON（数字位数过多）"),
    "line.not_a_number": _l("不是有效的JSON（%(name)s 不是JSON允许的数字）"),
    "line.bad_value": _l("不是有效的JSON（含有JSON不允许的值）"),
    "line.key_twice": _l("键 %(key)s 出现了两次"),
    "line.too_deep": _l("数组或对象嵌套过深"),
    "line.not_object": _l("每行须为一个JSON对象"),
    "late.after_days": _l("在业务日期 %(days)s 天后才登记"),
    "late.after_report": _l("在 %(year)s 年度报告报送（%(at)s）之后才登记"),
    "late.after_quarter": _l("在%(period)s台账报送（%(at)s）之后才登记"),
}

# Parameters that hold the ledger's own names, shown as pages call them.
TYPE_PARAMS = frozenset({"type", "existing", "answer"})
VALUE_PARAMS = frozenset({"allowed", "theme", "themes"})
ROLE_PARAMS = frozenset({"role"})
FIGURE_PARAMS = frozenset({"figure", "figures"})
# Parameters that hold a moment as stored text (a date or a datetime is known by its type).
MOMENT_PARAMS = frozenset({"at"})
# Parameters that hold a period key (2025, 2025-Q2): shown as 2025年第二季度 / 2025 Q2.
PERIOD_PARAMS = frozenset({"period"})


def say(said: Message) -> str:
    """A message in the page's language."""
    formats = placeholders(said.code)
    template = str(SAID[said.code])
    shown = {
        name: _shown(name, said.params.get(name), *_quoted(template, name, *formats[name]))
        for name in formats
    }
    return template % shown


def _quoted(template: str, name: str, conversion: str | None, spec: str) -> tuple:
    """A value the sentence puts in quotation marks (“%(name)s”) is not quoted again."""
    return (None if f"“%({name})s”" in template else conversion), spec


def say_error(error: LedgerError, *, with_field: bool = False) -> str:
    """A refusal in the page's language (a sentence given without a code as it is);
    ``with_field`` names the field first, for a message shown away from its field."""
    text = say(error.said) if error.said else error.message
    if with_field and error.field:
        return _("%(field)s：%(message)s", field=field_label(error.field), message=text)
    return text


def _shown(name: str, value: Any, conversion: str | None, spec: str) -> str:
    if name in TYPE_PARAMS:
        return label(TYPES, str(value))
    if name in ROLE_PARAMS:
        return label(ROLES, str(value))
    if name in VALUE_PARAMS:  # choices, or the entry types a line's type may be
        return listed(label(TYPES, v) if v in TYPES else value_label(v) for v in _items(value))
    if name in FIGURE_PARAMS:
        return listed(figure_label(str(v)) for v in _items(value))
    if name in PERIOD_PARAMS:
        return when.period(value)
    if name in MOMENT_PARAMS or isinstance(value, datetime):
        return when.moment(value)
    if isinstance(value, date):
        return when.day(value)
    if isinstance(value, list | tuple):
        return listed(str(v) for v in value)
    if conversion == "r":
        value = repr(value)
    return format(value, spec) if spec else str(value)


def _items(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else [value]


def say_line(error: Any) -> str:
    """An import's line error (services.interchange.LineError) in the page's language."""
    return say(error.said) if error.said else error.message


def say_note(note: dict[str, Any]) -> str:
    """A note given as JSON holds it (``{"code", ...params}``), such as a late reason."""
    params = {k: v for k, v in note.items() if k != "code"}
    return say(Message(note["code"], params))


def register_messages(app) -> None:
    when.register_filters(app, said=say_line, note=say_note)
