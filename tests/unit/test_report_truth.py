"""No sentence of the annual report says more than its figures: read with tests/report_claims.py
(written apart from the phrasing), for made-up years, for a year with no decision, for one
where every decision went through every step, and for any decisions at all (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.decision import DECISION_STEPS
from tests.report_claims import contradictions
from tests.unit.test_report import FULL, build, figures

STEPS = [f"decisions.by_step.{step}" for step in DECISION_STEPS]


def test_the_check_finds_the_sentence_the_issue_found():
    """The seed town's head once wrote that every decision went through collective decision
    and disclosure, right after the figures said 4 of 7 and 2 of 7."""
    counts = {**FULL, "decisions.reviewed": 7, "decisions.with_legality_review": 7}
    counts.update({step: 7 for step in STEPS} | {STEPS[4]: 4, STEPS[5]: 2})
    own = {
        "decisions": "每项重大决策都要走完公众参与、专家论证、风险评估和合法性审查等法定程序，"
        "再经集体讨论决定并依法公开，落实决策责任追究。"
    }
    report = build(counts, narrative={"themes": own})

    found = contradictions(report.body(), figures(counts))

    assert [claim.rsplit(": ", 1)[1] for claim in found] == [
        "collective_decision 4 of 7",
        "disclosure 2 of 7",
    ]


def test_the_check_finds_a_rate_said_without_data_and_a_false_100_percent():
    counts = {**FULL, "hotline.received": 0, "hotline.answered": 0, "hotline.resolved": 0}
    assert contradictions("12345热线答复率100%。", figures(counts))
    assert contradictions("整改率100%。", figures({**FULL, "issues.rectified": 8}))
    assert contradictions("全年5项重大行政决策均经过合法性审查。", figures(FULL))
    assert contradictions("全年6项重大行政决策中，进行风险评估的5项。", figures(FULL))
    assert not contradictions("全年5项重大行政决策中，进行风险评估的5项。", figures(FULL))


def test_the_made_up_year_contradicts_none_of_its_figures():
    report = build()
    assert contradictions(report.text(), figures(FULL)) == []
    assert "规范重大行政决策程序" in report.body()  # 4 of 5 through the legality review
    assert "严格履行" not in report.body()


def test_a_year_without_decisions_says_nothing_of_decisions():
    counts = {k: v for k, v in FULL.items() if not k.startswith("decisions.")}
    report = build(counts)

    text = report.body()
    assert contradictions(report.text(), figures(counts)) == []
    assert "重大行政决策" not in text and "合法性审查覆盖率" not in text
    assert "一是加强合法性审查把关" not in text
    assert all(not s.path.startswith("decisions.") for s in report.annex.sources)
    (theme,) = [t for t in report.sections[0].subsections if t.code == "decisions"]
    assert [p.text() for p in theme.paragraphs] == [
        "一是发挥党委会议集体研究作用。全年召开党委会议30次，集体研究决定重大事项18项。"
    ]


def test_every_decision_through_every_step_is_said_of_all_with_each_count():
    counts = {**FULL, "decisions.reviewed": 6, "decisions.with_legality_review": 6}
    counts.update({step: 6 for step in STEPS})
    report = build(counts)

    text = report.body()
    assert contradictions(report.text(), figures(counts)) == []
    assert (
        "严格履行重大行政决策法定程序。全年6项重大行政决策均经过合法性审查，合法性审查覆盖率100%；"
        "决策过程中，听取公众意见的6项，开展专家论证的6项，进行风险评估的6项，"
        "经集体讨论决定的6项，依法向社会公开的6项。"
    ) in text


def test_decisions_none_reviewed_for_legality_are_said_to_be_so():
    counts = {**FULL, "decisions.with_legality_review": 0, STEPS[3]: 0}
    report = build(counts)
    assert "全年5项重大行政决策均未经过合法性审查，合法性审查覆盖率0%" in report.body()
    assert contradictions(report.text(), figures(counts)) == []


def nearly(whole: int):
    """Any part of ``whole``, often all of it but one or two (99.9%, not 100%)."""
    return st.one_of(st.integers(0, whole), st.integers(max(0, whole - 2), whole))


@st.composite
def decision_years(draw):
    """A year's figures with any number of decisions and any steps they went through."""
    reviewed = draw(st.integers(0, 12))
    by_step = {step: draw(st.integers(0, reviewed)) for step in STEPS}
    counts = {
        **{k: v for k, v in FULL.items() if not k.startswith("decisions.")},
        "decisions.reviewed": reviewed,
        "decisions.with_legality_review": by_step[STEPS[3]],
        **by_step,
    }
    found = draw(st.integers(0, 40))
    rectified = draw(nearly(found))
    counts.update(
        {
            "issues.found": found,
            "issues.rectified": rectified,
            "issues.rectified_on_time": draw(st.integers(0, rectified)),
            "issues.overdue": draw(st.integers(0, found - rectified)),
            "hotline.received": (received := draw(st.integers(0, 5000))),
            "hotline.answered": (answered := draw(nearly(received))),
            "hotline.resolved": draw(st.integers(0, answered)),
        }
    )
    return counts


@settings(max_examples=200, deadline=None)
@given(decision_years())
def test_no_year_of_decisions_issues_or_hotline_cases_is_overstated(counts):
    report = build(counts, narrative=None)
    assert contradictions(report.text(), figures(counts)) == []


# -- the head's own words: cautions shown before signing ------------------------------------------

ISSUE_SENTENCE = (
    "每项重大决策都要走完公众参与、专家论证、风险评估和合法性审查等法定程序，"
    "再经集体讨论决定并依法公开，落实决策责任追究"
)


def seven_decisions(**fewer):
    counts = {**FULL, "decisions.reviewed": 7, "decisions.with_legality_review": 7}
    counts.update({step: 7 for step in STEPS})
    counts.update({f"decisions.by_step.{step}": n for step, n in fewer.items()})
    return counts


def test_a_heads_sentence_claiming_every_decision_is_a_caution_with_the_counts():
    counts = seven_decisions(collective_decision=4, disclosure=2)
    report = build(counts, narrative={"themes": {"decisions": ISSUE_SENTENCE + "。"}})
    assert [(c.said, c.figures) for c in report.cautions] == [
        (ISSUE_SENTENCE, "全年7项重大行政决策中，经集体讨论决定的4项，依法向社会公开的2项。")
    ]
    assert ISSUE_SENTENCE in report.body()  # the head's words are theirs: printed as written


def test_a_heads_sentence_the_figures_bear_out_is_no_caution():
    own = {
        "decisions": ISSUE_SENTENCE + "。重大项目实施前先评估风险。",
        "leaders_duty": "所有班子成员都参加了会前学法。",
    }
    assert build(seven_decisions(), narrative={"themes": own}).cautions == ()
    counted = {"decisions": "经集体讨论决定的重大决策4项，依法公开2项。"}
    assert build(seven_decisions(collective_decision=4), {"themes": counted}).cautions == ()


def test_a_claim_of_decisions_in_a_year_without_any_is_a_caution():
    counts = {k: v for k, v in FULL.items() if not k.startswith("decisions.")}
    report = build(counts, narrative={"problems": "重大决策均经合法性审查。"})
    assert [c.figures for c in report.cautions] == ["全年没有重大行政决策。"]


def test_a_heads_100_percent_is_a_caution_unless_it_is_all():
    own = {"publicity_and_disputes": "12345热线答复率100%，整改率达100%。"}
    report = build(narrative={"themes": own})  # FULL: 39 of 40 answered, 9 of 9 rectified
    assert [c.figures for c in report.cautions] == ["答复率为97.5%（39/40）。"]
