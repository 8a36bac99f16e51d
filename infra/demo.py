"""Demo and benchmark data, as lines of the interchange format (DOMAIN.md).

Every line is a plain dict, one JSON object per line once written with `write_jsonl`.
All functions are pure and deterministic: each draws from its own `random.Random`, seeded
from its arguments, never from the global generator.

- `seed_lines`: the seed town's 2024, whose figures equal the seed report exactly;
- `township_lines`: a plausible, different township's year drawn around the seed's counts;
- `demo_lines`: a sample county (`DEMO_COUNTY`, `DEMO_TOWNSHIPS`) for `serve --demo`;
- `bulk_lines`: many valid lines quickly, for benchmarks.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from os import PathLike
from typing import Any, TypeVar

from domain.decision import DECISION_STEPS

Line = dict[str, Any]
T = TypeVar("T")

DEMO_COUNTY = ("gongliuxian", "巩留县")
DEMO_TOWNSHIPS = [
    ("gongliu", "巩留镇"),
    ("agaersen", "阿尕尔森镇"),
    ("kuerdening", "库尔德宁镇"),
    ("mohetai", "莫合台镇"),
    ("dongmaili", "东买里镇"),
]
_DEMO_SCALES = {"agaersen": 0.8, "kuerdening": 0.5, "mohetai": 1.2, "dongmaili": 0.3}

SEED_LAWS = (
    "中华人民共和国反电信网络诈骗法",
    "中国共产党纪律处分条例",
    "中华人民共和国妇女权益保障法",
    "信访工作条例",
    "中华人民共和国反有组织犯罪法",
    "中华人民共和国劳动法",
)
_LAWS = SEED_LAWS + (
    "中华人民共和国民法典",
    "中华人民共和国行政处罚法",
    "中华人民共和国土地管理法",
    "中华人民共和国安全生产法",
    "中华人民共和国未成年人保护法",
    "中华人民共和国食品安全法",
)
_SESSION_TITLES = {
    "theory_study": ("中心组法治专题学习", "法治思想专题研讨", "中心组集中学习研讨"),
    "political_study_day": ("政治理论学习日", "机关干部集中学习", "周五政治学习"),
    "lecture": ("律师以案说法讲座", "法律顾问专题讲座", "民法典应用讲座"),
    "enforcement_training": ("综合执法业务培训", "执法程序规范培训", "执法文书制作培训"),
    "publicity": (
        "法律进社区宣传",
        "法治广场普法活动",
        "法律进课堂",
        "集市普法摆摊",
        "反诈宣传进村组",
    ),
}
_DECISION_TITLES = (
    "老旧小区改造实施方案",
    "农村人居环境整治方案",
    "集贸市场搬迁方案",
    "村级道路硬化项目",
    "冬季供暖保障方案",
    "闲置集体资产处置方案",
    "特色产业扶持资金分配办法",
    "防汛应急预案修订",
)
_OTHER_STEPS = tuple(step for step in DECISION_STEPS if step != "legality_review")
_AREAS = (
    "沿街商铺",
    "农贸市场",
    "餐饮门店",
    "建筑工地",
    "加油站",
    "学校周边",
    "自建房",
    "小型加工厂",
)
_ISSUES = {
    "消防安全": ("灭火器过期未更换", "安全通道堆放杂物"),
    "食品安全": ("从业人员健康证过期", "后厨生熟未分开存放"),
    "市容环境": ("占道经营影响通行", "门前垃圾未及时清运"),
    "安全生产": ("作业人员未佩戴安全帽", "电线私拉乱接"),
    "违规建设": ("未批先建附属用房", "擅自改变房屋用途"),
}
_DISPUTE_CATEGORIES = ("土地纠纷", "邻里纠纷", "婚姻家庭纠纷", "劳动争议", "合同纠纷", "物业纠纷")
_PROBLEMS = (
    "法治工作力量相对薄弱,具备法律专业背景的干部偏少,综合执法人员的业务能力仍需提高。",
    "部分干部依法办事的自觉性不强,遇到矛盾和难题时习惯用行政手段,较少从法律角度找办法。",
    "普法宣传方式较为单一,针对不同群体的内容设计不足,宣传与执法、服务结合得不够紧密。",
    "矛盾纠纷台账更新不够及时,部分纠纷调处后的回访跟踪不到位。",
    "执法检查发现问题的整改闭环还不够严密,个别问题未能在期限内完成整改。",
    "村(社区)法律顾问和法律明白人的作用发挥不均衡,部分村组参与度不高。",
)
_NEXT_STEPS = (
    "充实法治人才队伍,通过招录、培训、跟班学习等途径补充专业力量,每季度集中学习一次法律法规。",
    "压实法治建设责任,把法治建设纳入年度考核,逐项明确责任人和完成时限,用制度规范权力运行。",
    "创新普法宣传形式,借助短视频、微信群等新媒体,按不同群体的需求开展有针对性的宣传。",
    "完善矛盾纠纷多元化解机制,落实调处后回访制度,做到件件有跟踪、事事有回音。",
    "建立执法检查问题整改销号制度,对逾期未整改的问题挂牌督办。",
    "加强法律明白人的培训和管理,定期开展以案说法活动,带动群众学法用法。",
)

# The seed town's head, in their own words, on what the figures of each theme cannot say.
_SEED_THEMES = {
    "study": "镇党委把习近平法治思想列为干部教育的必修课，线上观看法治视频与线下集中研讨"
    "相结合，干部遇事先想法、办事讲程序的意识明显增强。",
    "decisions": "每项重大决策都要走完公众参与、专家论证、风险评估和合法性审查等法定程序，"
    "再经集体讨论决定并依法公开，落实决策责任追究；重大项目实施前先评估风险，从源头上减少矛盾。",
    "workforce": "调整充实了法治政府建设领导小组和人民调解委员会。蝶湖社区试点建设"
    "数字化、网格化相结合的智慧社区平台，开设12个功能模块，涵盖智慧物业、法治宣传、纠纷调处等，"
    "推行“7410”工作法；志愿者全年开展法治宣传76场次。",
    "enforcement": "落实行政执法公示、执法全过程记录、重大执法决定法制审核“三项制度”，"
    "由镇司法所和法律顾问承担法制审核；定期走访企业，及时回应涉企诉求，营造良好营商环境。",
    "publicity_and_disputes": "以“八五”普法为抓手建设法治文化广场，借助节日活动、村晚和"
    "读书分享会开展普法，各类普法宣传教育全年千余场次；完善“一站式”矛盾纠纷化解平台，"
    "让群众反映诉求有门、化解矛盾有法。",
    "leaders_duty": "镇党委书记、镇长带头尊法学法守法用法，定期听取法治建设工作汇报，"
    "主要负责人亲自部署、分管负责人具体推进、各站所协同落实。",
}


@dataclass(frozen=True)
class Plan:
    """What one township's year holds: the counts the lines are generated from."""

    sessions: dict[str, int]  # kind -> number of sessions
    training_attendees: int  # summed over the enforcement trainings
    publicity_materials: int  # summed over the publicity events
    publicity_reached: int  # summed over the publicity events
    laws: tuple[str, ...]  # studied before meetings, one per session, in turn
    meetings: int
    matters_decided: int
    decision_results: dict[str, int]
    decision_reviewers: dict[str, int]
    with_legality_review: int
    inspections: int
    issues: int
    rectified: int
    late: int  # of the rectified, how many after their deadline
    dispute_sources: dict[str, int]
    resolved: int
    by_legal_advisor: int  # resolved disputes whose resolving mediator was the legal advisor
    by_volunteer: int  # resolved volunteer-source disputes whose resolving mediator was a volunteer
    retried: int  # resolved disputes that had a failed mediation first
    hotline: int
    answered: int
    answered_resolved: int
    advisors: dict[str, int]  # level -> count
    liaisons: int
    volunteer_posts: dict[str, int]  # post -> count
    officers: int
    problems: tuple[str, ...]
    next_steps: tuple[str, ...]
    themes: Mapping[str, str]  # the head's own paragraph, by theme code of the report's 一、


SEED_PLAN = Plan(
    sessions={
        "theory_study": 5,
        "political_study_day": 51,
        "pre_meeting_law_study": 6,
        "lecture": 5,
        "enforcement_training": 4,
        "publicity": 120,
    },
    training_attendees=160,
    publicity_materials=600,
    publicity_reached=40000,
    laws=SEED_LAWS,
    meetings=59,
    matters_decided=37,
    decision_results={"approved": 6, "approved_with_changes": 1},
    decision_reviewers={"legal_advisor": 7},
    with_legality_review=7,
    inspections=22,
    issues=33,
    rectified=32,
    late=2,
    dispute_sources={"screening": 250, "hotline_12345": 60, "petition": 12, "volunteer": 40},
    resolved=330,
    by_legal_advisor=16,
    by_volunteer=36,
    retried=10,
    hotline=332,
    answered=332,
    answered_resolved=332,
    advisors={"township": 1, "community": 8},
    liaisons=36,
    volunteer_posts={"mediation": 20, "publicity": 12, "none": 360},
    officers=8,
    problems=_PROBLEMS[:3],
    next_steps=_NEXT_STEPS[:3],
    themes=_SEED_THEMES,
)


# -- public API -------------------------------------------------------------------------


def seed_lines(township: str = "gongliu", year: int = 2024) -> list[Line]:
    """The seed town's year: its figures equal the seed report's exactly."""
    return _year_lines(township, year, SEED_PLAN, random.Random(f"seed:{township}:{year}"))


def township_lines(township: str, year: int, seed: int, scale: float = 1.0) -> list[Line]:
    """A plausible township's year, its counts drawn around the seed's times `scale`."""
    rng = random.Random(f"{township}:{year}:{seed}")
    return _year_lines(township, year, _drawn_plan(rng, scale), rng)


def demo_lines(year: int = 2024) -> list[Line]:
    """The demo county's townships: the seed town plus drawn ones of various sizes."""
    lines = seed_lines(DEMO_TOWNSHIPS[0][0], year)
    for seed, (code, _name) in enumerate(DEMO_TOWNSHIPS[1:], start=1):
        lines += township_lines(code, year, seed, _DEMO_SCALES[code])
    return lines


_LINES_AT_SCALE_ONE = 2250  # a drawn township's year holds this many lines, give or take 7%


def bulk_lines(
    townships: list[str], lines_per_township: int, year: int = 2024, seed: int = 0
) -> Iterator[Line]:
    """`lines_per_township` valid lines per township (a few fewer for tiny counts): a drawn
    year sized to hold a little more, cut short at the end, so every follow-up is kept after
    its entry."""
    scale = 1.25 * lines_per_township / _LINES_AT_SCALE_ONE
    for township in townships:
        yield from township_lines(township, year, seed, scale)[:lines_per_township]


def write_jsonl(path: str | PathLike[str], lines: Iterable[Line]) -> int:
    """Write `lines` as UTF-8 JSON Lines; return how many were written."""
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            written += 1
    return written


# -- building one township's year -------------------------------------------------------


def _line(township: str, type_: str, id_: str, occurred_on: str, **fields: Any) -> Line:
    return {"township": township, "type": type_, "id": id_, "occurred_on": occurred_on, **fields}


@lru_cache(maxsize=8)
def _dates(year: int) -> tuple[str, ...]:
    first = date(year, 1, 1)
    return tuple(
        (first + timedelta(days=n)).isoformat() for n in range((date(year + 1, 1, 1) - first).days)
    )


class _Year:
    """Collects one township's lines for one year; days are indexes into the year."""

    def __init__(self, township: str, year: int, rng: random.Random) -> None:
        self.township, self.year, self.rng = township, year, rng
        self.dates = _dates(year)
        self.last = len(self.dates) - 1
        self.lines: list[Line] = []
        self._numbers: Counter[str] = Counter()

    def next_id(self, prefix: str) -> str:
        self._numbers[prefix] += 1
        return f"{prefix}-{self.year}-{self._numbers[prefix]:04d}"

    def day(self, first: int = 0, last: int = 366) -> int:
        return self.rng.randint(first, min(last, self.last))

    def later(self, day: int, least: int, most: int) -> int:
        return min(day + self.rng.randint(least, most), self.last)

    def add(self, type_: str, id_: str, day: int, **fields: Any) -> None:
        self.lines.append(_line(self.township, type_, id_, self.dates[day], **fields))

    def ordered(self) -> list[Line]:
        # Stable: an entry's follow-ups were added after it, so they stay after it on its day.
        return sorted(self.lines, key=lambda line: line["occurred_on"])


def _year_lines(township: str, year: int, plan: Plan, rng: random.Random) -> list[Line]:
    y = _Year(township, year, rng)
    for section in (_roster, _sessions, _meetings, _decisions, _issues, _disputes, _hotline):
        section(y, plan)
    y.add("report_narrative", f"N-{year}", y.last, year=year, **_narrative(plan))
    return y.ordered()


def _roster(y: _Year, plan: Plan) -> None:
    for level in _shuffled(y.rng, plan.advisors):
        y.add("advisor_appointed", y.next_id("A"), y.day(0, 30), level=level)
    for _ in range(plan.liaisons):
        y.add("liaison_registered", y.next_id("L"), y.day(0, 90))
    for post in _shuffled(y.rng, plan.volunteer_posts):
        y.add("volunteer_pledged", y.next_id("V"), y.day(0, 90), post=post)
    for _ in range(plan.officers):
        y.add("officer_certified", y.next_id("O"), y.day(0, 60))


def _sessions(y: _Year, plan: Plan) -> None:
    for kind, count in plan.sessions.items():
        for fields in _session_fields(y.rng, plan, kind, count):
            y.add("session_held", y.next_id("S"), y.day(), kind=kind, **fields)


def _session_fields(rng: random.Random, plan: Plan, kind: str, count: int) -> list[Line]:
    """Title, attendees and the kind's optional fields for each of `count` sessions."""
    if kind == "pre_meeting_law_study":
        laws = [plan.laws[n % len(plan.laws)] for n in range(count)]
        return [
            {"title": f"会前学法:{law}", "attendees": rng.randint(9, 25), "laws": [law]}
            for law in laws
        ]
    titles = [rng.choice(_SESSION_TITLES[kind]) for _ in range(count)]
    if kind == "enforcement_training":
        attendees = _split(rng, plan.training_attendees, count)
        return [{"title": t, "attendees": a} for t, a in zip(titles, attendees, strict=True)]
    if kind == "publicity":  # the audience is counted in `reached`, not as attendees
        materials = _split(rng, plan.publicity_materials, count)
        reached = _split(rng, plan.publicity_reached, count)
        return [
            {"title": t, "attendees": 0, "reached": r, "materials": m}
            for t, r, m in zip(titles, reached, materials, strict=True)
        ]
    return [{"title": t, "attendees": rng.randint(12, 40)} for t in titles]


def _meetings(y: _Year, plan: Plan) -> None:
    for matters in _split(y.rng, plan.matters_decided, plan.meetings):
        y.add("meeting_held", y.next_id("M"), y.day(), matters_decided=matters)


def _decisions(y: _Year, plan: Plan) -> None:
    results = _shuffled(y.rng, plan.decision_results)
    reviewers = _shuffled(y.rng, plan.decision_reviewers)
    for n, (result, reviewer) in enumerate(zip(results, reviewers, strict=True)):
        y.add(
            "decision_reviewed",
            y.next_id("DR"),
            y.day(),
            title=_DECISION_TITLES[n % len(_DECISION_TITLES)],
            steps=_steps(y.rng, legality_review=n < plan.with_legality_review),
            reviewer=reviewer,
            result=result,
        )


def _steps(rng: random.Random, legality_review: bool) -> list[str]:
    chosen = set(rng.sample(_OTHER_STEPS, rng.randint(1, 3)))
    if legality_review:
        chosen.add("legality_review")
    return [step for step in DECISION_STEPS if step in chosen]


def _issues(y: _Year, plan: Plan) -> None:
    """Inspections until early autumn, each issue found during one, its deadline well before
    year end; so a late rectification still falls within the year, and an open issue is
    overdue at year end."""
    inspections = []
    for _ in range(plan.inspections):
        inspection = (y.next_id("IN"), y.day(0, 250))
        y.add("inspection_conducted", *inspection, area=y.rng.choice(_AREAS))
        inspections.append(inspection)
    fates = {
        "late": plan.late,
        "on_time": plan.rectified - plan.late,
        "open": plan.issues - plan.rectified,
    }
    for fate in _shuffled(y.rng, fates):
        _issue(y, fate, y.rng.choice(inspections) if inspections else None)


def _issue(y: _Year, fate: str, inspection: tuple[str, int] | None) -> None:
    id_ = y.next_id("IS")
    found = y.later(inspection[1], 0, 14) if inspection else y.day(0, 264)
    deadline = found + y.rng.randint(14, 60)
    category = y.rng.choice(list(_ISSUES))
    extra = {"inspection": inspection[0]} if inspection else {}
    description = y.rng.choice(_ISSUES[category])
    y.add(
        "issue_found",
        id_,
        found,
        category=category,
        description=description,
        deadline=y.dates[deadline],
        **extra,
    )
    if fate == "on_time":
        y.add("issue_rectified", id_, y.rng.randint(found, deadline))
    elif fate == "late":
        y.add("issue_rectified", id_, y.later(deadline, 1, 30))


def _disputes(y: _Year, plan: Plan) -> None:
    registered = []
    for source in _shuffled(y.rng, plan.dispute_sources):
        id_, day = y.next_id("D"), y.day()
        y.add(
            "dispute_registered",
            id_,
            day,
            source=source,
            category=y.rng.choice(_DISPUTE_CATEGORIES),
        )
        registered.append((id_, day, source))
    mediators = _resolving_mediators(y.rng, plan, registered)
    resolved = sorted(id_ for id_, mediator in mediators.items() if mediator)
    retried = set(y.rng.sample(resolved, plan.retried))
    for id_, day, _source in registered:
        _mediations(y, id_, day, mediators[id_], retried=id_ in retried)


def _resolving_mediators(
    rng: random.Random, plan: Plan, registered: list[tuple[str, int, str]]
) -> dict[str, str | None]:
    """Who resolved each dispute; None for the disputes left unresolved."""
    by_volunteer = [id_ for id_, _day, source in registered if source == "volunteer"][
        : plan.by_volunteer
    ]
    others = [id_ for id_, _day, _source in registered if id_ not in set(by_volunteer)]
    rng.shuffle(others)
    committee = plan.resolved - plan.by_volunteer - plan.by_legal_advisor
    resolvers = ["legal_advisor"] * plan.by_legal_advisor + ["mediation_committee"] * committee
    mediators: dict[str, str | None] = dict.fromkeys(others)
    mediators.update(zip(others, resolvers, strict=False))
    mediators.update(dict.fromkeys(by_volunteer, "volunteer"))
    return mediators


def _mediations(y: _Year, id_: str, day: int, resolver: str | None, retried: bool) -> None:
    if resolver is None or retried:
        day = y.later(day, 2, 30)
        y.add("dispute_mediated", id_, day, outcome="failed", mediator="mediation_committee")
    if resolver is not None:
        y.add("dispute_mediated", id_, y.later(day, 2, 30), outcome="resolved", mediator=resolver)


def _hotline(y: _Year, plan: Plan) -> None:
    unresolved = plan.answered - plan.answered_resolved
    answers = {True: plan.answered_resolved, False: unresolved, None: plan.hotline - plan.answered}
    for answer in _shuffled(y.rng, answers):
        id_, day = y.next_id("H"), y.day()
        y.add("hotline_case_received", id_, day)
        if answer is not None:
            y.add("hotline_case_answered", id_, y.later(day, 0, 10), resolved=answer)


def _narrative(plan: Plan) -> Line:
    words = {"problems": _numbered(plan.problems), "next_steps": _numbered(plan.next_steps)}
    return {**words, "themes": dict(plan.themes)} if plan.themes else words


def _numbered(points: Iterable[str]) -> str:
    return "\n".join(
        f"{number}是{point}" for number, point in zip("一二三四五六", points, strict=False)
    )


# -- drawing a plausible township ------------------------------------------------------


def _drawn_plan(rng: random.Random, scale: float) -> Plan:
    """Counts around the seed's times `scale`; rates between about 0.6 and 1.0."""

    def around(count: int) -> int:
        return round(count * scale * rng.uniform(0.75, 1.25))

    def share(count: int, least: float = 0.6) -> int:
        return round(count * rng.uniform(least, 1.0))

    s = SEED_PLAN
    sessions = {kind: around(count) for kind, count in s.sessions.items()}
    decisions, issues, hotline = around(7), around(s.issues), around(s.hotline)
    changed = rng.randint(0, decisions // 3)
    rejected = rng.randint(0, (decisions - changed) // 5)
    reviewed_by_advisor = share(decisions)
    rectified = share(issues)
    sources = {source: around(count) for source, count in s.dispute_sources.items()}
    resolved = share(sum(sources.values()))
    by_volunteer = min(share(sources["volunteer"]), resolved)
    answered = share(hotline, least=0.85)
    return Plan(
        sessions=sessions,
        training_attendees=sessions["enforcement_training"] * rng.randint(20, 50),
        publicity_materials=sessions["publicity"] * rng.randint(2, 8),
        publicity_reached=sessions["publicity"] * rng.randint(100, 500),
        laws=tuple(rng.sample(_LAWS, len(_LAWS))),
        meetings=around(s.meetings),
        matters_decided=around(s.matters_decided),
        decision_results={
            "approved": decisions - changed - rejected,
            "approved_with_changes": changed,
            "rejected": rejected,
        },
        decision_reviewers={
            "legal_advisor": reviewed_by_advisor,
            "judicial_office": decisions - reviewed_by_advisor,
        },
        with_legality_review=share(decisions),
        inspections=around(s.inspections),
        issues=issues,
        rectified=rectified,
        late=rng.randint(0, rectified // 8),
        dispute_sources=sources,
        resolved=resolved,
        by_legal_advisor=min(around(s.by_legal_advisor), resolved - by_volunteer),
        by_volunteer=by_volunteer,
        retried=min(around(s.retried), resolved),
        hotline=hotline,
        answered=answered,
        answered_resolved=share(answered),
        advisors={"township": 1, "community": max(1, around(8))},
        liaisons=around(s.liaisons),
        volunteer_posts={post: around(count) for post, count in s.volunteer_posts.items()},
        officers=max(1, around(s.officers)),
        problems=tuple(rng.sample(_PROBLEMS, 3)),
        next_steps=tuple(rng.sample(_NEXT_STEPS, 3)),
        themes={},
    )


# -- small helpers ----------------------------------------------------------------------


def _shuffled(rng: random.Random, counts: Mapping[T, int]) -> list[T]:
    """Each key repeated as often as its count, in random order."""
    items = [key for key, count in counts.items() for _ in range(count)]
    rng.shuffle(items)
    return items


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """`parts` non-negative, roughly even integers summing to `total` (nothing if no parts)."""
    if parts == 0:
        return []
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    total_weight = sum(weights)
    shares = [int(total * weight / total_weight) for weight in weights]
    for index in rng.sample(range(parts), total - sum(shares)):
        shares[index] += 1
    return shares
