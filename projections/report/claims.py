"""What the township's own words claim beyond its figures, for the head to see before signing.

The report's own sentences say only what the figures count (``themes``); the head's
paragraphs are theirs, printed as written. A sentence of theirs that says every major
decision went through a procedure step (每项…都, 均, 全部, 所有, 一律 …) when the figures count
fewer, or that a rate is 100% when it is not, is a caution: the sentence, and what the
figures say."""

from __future__ import annotations

import re
from collections.abc import Iterable

from domain.decision import DECISION_STEPS
from projections.report.model import Caution, Paragraph
from projections.report.phrasing import percent
from projections.report.reading import Reader
from projections.report.themes import STEP_CLAUSES

# How people name a procedure step of a major decision.
STEP_NAMES = {
    "public_participation": ("公众参与", "听取公众意见", "听取意见", "征求意见"),
    "expert_consultation": ("专家论证", "专家咨询"),
    "risk_assessment": ("风险评估",),
    "legality_review": ("合法性审查", "合法合规性审查"),
    "collective_decision": ("集体讨论", "集体决定", "集体研究决定"),
    "disclosure": ("公开",),
}
EVERY = re.compile(r"每一?项|每个|均|全部|所有|一律|全都|都|无一例外")
RATE_NAMES = {
    "合法性审查覆盖率": "legality_review_coverage",
    "按期整改率": "on_time_rectification",
    "整改率": "rectification",
    "调解成功率": "mediation_success",
    "答复率": "hotline_answer",
}
_RATE = re.compile("(" + "|".join(RATE_NAMES) + r")[^，,。；;\d]{0,4}100(?:\.0+)?%")
_CLAUSES = re.compile(r"[^。；;！!？?\n]+")


def cautions(paragraphs: Iterable[Paragraph], r: Reader) -> tuple[Caution, ...]:
    """The cautions the township's own ``paragraphs`` give, read against the figures."""
    found: list[Caution] = []
    for paragraph in paragraphs:
        for clause in _CLAUSES.findall(paragraph.text()):
            found.extend(_every_decision(clause.strip(), r))
            found.extend(_all_of_a_rate(clause.strip(), r))
    return tuple(found)


def _every_decision(clause: str, r: Reader) -> list[Caution]:
    every = EVERY.search(clause)
    if "决策" not in clause or not every:
        return []
    claimed = clause[every.start() :]
    steps = [s for s in DECISION_STEPS if any(name in claimed for name in STEP_NAMES[s])]
    reviewed = r.n("decisions.reviewed")
    if steps and not reviewed:
        return [Caution(clause, "全年没有重大行政决策。")]
    fewer = [
        f"{STEP_CLAUSES[step]}{went}项"
        for step in steps
        if (went := r.n(f"decisions.by_step.{step}")) < reviewed
    ]
    if not fewer:
        return []
    return [Caution(clause, f"全年{reviewed}项重大行政决策中，{'，'.join(fewer)}。")]


def _all_of_a_rate(clause: str, r: Reader) -> list[Caution]:
    found: list[Caution] = []
    for match in _RATE.finditer(clause):
        name = match.group(1)
        rate = r.get(f"rates.{RATE_NAMES[name]}")
        numerator, denominator = rate["numerator"], rate["denominator"]
        if denominator == 0:
            found.append(Caution(clause, f"{name}没有数据（分母为0）。"))
        elif numerator != denominator:
            share = percent(numerator, denominator)
            found.append(Caution(clause, f"{name}为{share}（{numerator}/{denominator}）。"))
    return found
