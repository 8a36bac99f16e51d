"""Every name the ledger gives a reader has its Chinese name and its English one: each figure of
the figures document (all of them, not the few the pages show first), entry type, field, choice
and theme; periods and dates as their readers write them."""

from __future__ import annotations

import re

import pytest
from flask import session
from flask_babel import refresh

from domain.catalogue import ALL_TYPES
from domain.figure_names import COUNT_FIGURES, RATES
from domain.messages import Message
from domain.session import SESSION_KINDS
from services.catalogue import fields_of, rankable_figures
from web import when
from web.labels import TYPES as TYPE_LABELS
from web.labels import field_label, figure_label, label, value_label, weighted
from web.messages import say

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
CODE = re.compile(r"[a-z0-9]+(?:[_.][a-z0-9]+)+")

FIGURES = (
    *COUNT_FIGURES,
    *(f"sessions.{kind}.laws" for kind in SESSION_KINDS),
    *(f"rates.{rate}" for rate in RATES),
    *(f"rates.{rate}.{part}" for rate in RATES for part in ("numerator", "denominator", "value")),
)


def in_language(app, lang: str, make):
    with app.test_request_context("/"):
        session["lang"] = lang
        refresh()
        return make()


def named_in_both(app, name: str, labelled) -> tuple[str, str]:
    chinese = in_language(app, "zh", lambda: labelled(name))
    english = in_language(app, "en", lambda: labelled(name))
    assert CJK.search(chinese) and not CODE.search(chinese), (name, chinese)
    assert english and not CJK.search(english) and not CODE.search(english), (name, english)
    return chinese, english


def test_every_figure_has_a_name_in_chinese_and_in_english(app):
    names = {name: named_in_both(app, name, figure_label) for name in FIGURES}
    chinese = [zh for zh, _ in names.values()]
    assert len(set(chinese)) == len(chinese)  # no two figures called the same
    assert names["decisions.by_result.approved"] == (
        "审查结果为“通过”的重大决策数",
        "Major decisions with result: Approved",
    )
    assert names["sessions.lecture.attendees"] == ("法治讲座参加人次", "Law lecture: attendees")
    assert names["rates.mediation_success.denominator"][0] == "调解成功率（分母）"
    assert names["roster.volunteer_posts"][0] == "认领岗位的志愿者人数"


def test_every_indicator_the_county_may_choose_is_named(app):
    assert len(rankable_figures()) == 64
    for figure in rankable_figures():
        named_in_both(app, figure, figure_label)


def test_every_entry_type_field_and_choice_is_named(app):
    assert set(ALL_TYPES) <= set(TYPE_LABELS)
    for type_ in ALL_TYPES:
        named_in_both(app, type_, lambda t: label(TYPE_LABELS, t))
        for spec in fields_of(type_):
            named_in_both(app, spec.name, field_label)
            for value in spec.allowed:
                named_in_both(app, value, value_label)
    for value in (True, False, "higher", "lower"):
        named_in_both(app, value, value_label)


@pytest.mark.parametrize(
    ("key", "chinese", "english"),
    [
        ("2024", "2024年", "2024"),
        ("2024-Q1", "2024年第一季度", "2024 Q1"),
        ("2024-Q4", "2024年第四季度", "2024 Q4"),
        ("2024-03", "2024年3月", "March 2024"),
        ("2024-12", "2024年12月", "December 2024"),
        ("2024-13", "2024-13", "2024-13"),  # no period: as typed
    ],
)
def test_periods_are_written_as_their_readers_write_them(app, key, chinese, english):
    assert in_language(app, "zh", lambda: when.period(key)) == chinese
    assert in_language(app, "en", lambda: when.period(key)) == english


def test_moments_and_days_on_pages_are_local_and_in_the_readers_form(app):
    at = "2026-12-06T14:33:34.513896Z"
    assert in_language(app, "zh", lambda: when.moment(at)) == "2026年12月6日 22:33"
    assert in_language(app, "en", lambda: when.moment(at)) == "6 Dec 2026 22:33"
    assert in_language(app, "zh", lambda: when.day("2024-03-05")) == "2024年3月5日"
    assert in_language(app, "en", lambda: when.input_value(at)) == "2026-12-06T22:33:34"
    assert in_language(app, "zh", lambda: when.moment("yesterday")) == "yesterday"  # as typed


def test_a_refusals_dates_moments_and_figures_are_shown_by_their_names(app):
    from datetime import date

    retracted = Message("entry.retracted", {"id": "D-1", "on": date(2024, 3, 5)})
    assert in_language(app, "zh", lambda: say(retracted)) == (
        "记录 D-1 已于 2024年3月5日 撤回，不能再登记后续事项"
    )
    assert "5 Mar 2024" in in_language(app, "en", lambda: say(retracted))
    late = Message("late.after_report", {"year": 2024, "at": "2025-01-10T02:00:00Z"})
    assert "2025年1月10日 10:00" in in_language(app, "zh", lambda: say(late))
    unrankable = Message("indicators.not_rankable", {"figure": "issues.overdue"})
    assert in_language(app, "zh", lambda: say(unrankable)) == "“逾期未整改问题数”不能用于排名"
    not_a_type = Message(
        "value.not_allowed", {"allowed": ("session_held", "issue_found"), "got": "'party'"}
    )
    assert in_language(app, "zh", lambda: say(not_a_type)) == (
        "须为以下之一：学法/培训/普法活动、发现问题；填写的是 'party'"
    )


def test_the_weights_in_force_are_listed_in_the_readers_language(app):
    weights = [
        {"figure": "rates.rectification", "weight": 2},
        {"figure": "inspections", "weight": 1},
    ]
    assert in_language(app, "zh", lambda: weighted(weights)) == "整改率 ×2、执法检查次数 ×1"
    assert in_language(app, "en", lambda: weighted(weights)) == (
        "Rectification rate ×2, Enforcement inspections ×1"
    )
