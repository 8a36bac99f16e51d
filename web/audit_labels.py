"""What the audit pages call what auditors did (the county's audit trail) and what a
verification found, in the reader's language."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web import when
from web.labels import label

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
    "evidence_missing": _l("这份佐证材料已不在文件库中：它被删除了"),
    "evidence_altered": _l("这份佐证材料与登记时的指纹不符：文件被改动过"),
    "timestamp_invalid": _l("可信时间戳无效：它被改动过，或不是所配置的时间戳机构签发的"),
    "timestamp_other_hash": _l("可信时间戳证明的是另一个哈希，不是它所记录的发布文件或链头"),
    "timestamp_differs": _l("可信时间戳旁记录的时间或机构与时间戳本身不符"),
    "timestamp_unanchored": _l("可信时间戳所证明的发布文件或链环已不在台账中"),
    "rights_link": _l("权限链的这一环与前一环或它自己的哈希不符：权限链被改动过"),
    "rights_missing": _l("权限链登记过的这条权限变更已不在台账中：它被删除了"),
    "rights_altered": _l("这条权限变更的内容与登记时不同：它被改动过"),
    "rights_uncovered": _l("这条权限变更不在权限链中：它是绕过台账写入数据库的"),
}
# A change of rights (services/administration.py KINDS), in the user's words.
CHANGES = {
    "county_added": _l("新设县"),
    "county_renamed": _l("县改名"),
    "county_suspended": _l("暂停县"),
    "county_reinstated": _l("恢复县"),
    "township_added": _l("新设乡镇"),
    "township_renamed": _l("乡镇改名"),
    "user_added": _l("新建账号"),
    "user_disabled": _l("停用账号"),
    "user_enabled": _l("启用账号"),
    "user_role_changed": _l("变更角色或乡镇"),
    "user_password_reset": _l("密码重置"),
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


def _at(moment: str) -> str:
    return when.moment(moment, seconds=True)


LOOKS = (
    (re.compile(r"history of entry (?P<entry>.+)"), lambda m: _("查看记录 %(entry)s 的历史", **m)),
    (
        re.compile(r"history from (?P<start>\S+) to now"),
        lambda m: _("查看 %(start)s 以来登记的全部记录", start=_at(m["start"])),
    ),
    (
        re.compile(r"history from (?P<start>\S+) to (?P<end>\S+)"),
        lambda m: _(
            "查看 %(start)s 至 %(end)s 登记的全部记录", start=_at(m["start"]), end=_at(m["end"])
        ),
    ),
    (
        re.compile(r"ranking of (?P<period>\S+) as of (?P<moment>\S+)"),
        lambda m: _(
            "查看 %(period)s 排名截至 %(moment)s 的情况",
            period=when.period(m["period"]),
            moment=_at(m["moment"]),
        ),
    ),
    (
        re.compile(r"figures of (?P<period>\S+) as of (?P<moment>\S+)"),
        lambda m: _(
            "查看 %(period)s 数据截至 %(moment)s 的情况",
            period=when.period(m["period"]),
            moment=_at(m["moment"]),
        ),
    ),
    (
        re.compile(r"evidence (?P<sha256>[0-9a-f]{64}) of entry (?P<entry>.+)"),
        lambda m: _("查看记录 %(entry)s 的佐证材料", entry=m["entry"]),
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


def register_audit_labels(app) -> None:
    when.register_filters(
        app,
        look_label=look_label,
        finding_label=lambda kind: label(FINDINGS, kind),
        change_label=lambda kind: label(CHANGES, kind),
    )
    app.jinja_env.globals.update(LINK_FINDINGS=LINK_FINDINGS)
