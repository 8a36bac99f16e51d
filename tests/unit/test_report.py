"""The annual report's document model: parts and themes, phrasing, the head's own paragraphs,
what is left out, and the annex that traces every figure. Built from figures documents made
here (the seed town's report has its own module: tests/unit/test_seed.py)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from domain.decision import DECISION_STEPS
from domain.figure_names import COUNT_FIGURES, RATES
from projections.figures import document, lookup
from projections.report import THEMES, Figure, Report, build_report, source_rows
from projections.report.annex import LABELS
from projections.report.phrasing import number, numeral, percent

AS_OF = "2025-01-15T00:00:00Z"
ISSUED = date(2025, 1, 10)
# A made-up township's year, every theme with something to say.
FULL = {
    "sessions.theory_study.count": 4,
    "sessions.political_study_day.count": 40,
    "sessions.pre_meeting_law_study.count": 3,
    "sessions.pre_meeting_law_study.attendees": 75,
    "sessions.lecture.count": 2,
    "sessions.enforcement_training.count": 3,
    "sessions.enforcement_training.attendees": 90,
    "sessions.publicity.count": 48,
    "sessions.publicity.materials": 1500,
    "sessions.publicity.reached": 20000,
    "meetings.count": 30,
    "meetings.matters_decided": 18,
    "decisions.reviewed": 5,
    "decisions.with_legality_review": 4,
    "decisions.by_step.legality_review": 4,
    "decisions.by_step.public_participation": 2,
    "decisions.by_step.risk_assessment": 5,
    "decisions.by_reviewer.judicial_office": 5,
    "decisions.by_result.approved": 4,
    "decisions.by_result.rejected": 1,
    "inspections": 12,
    "issues.found": 9,
    "issues.rectified": 9,
    "issues.rectified_on_time": 7,
    "disputes.registered": 80,
    "disputes.resolved": 73,
    "disputes.failed": 7,
    "disputes.by_source.screening": 80,
    "disputes.by_mediator.mediation_committee": 73,
    "hotline.received": 40,
    "hotline.answered": 39,
    "hotline.resolved": 35,
    "roster.advisors_township": 1,
    "roster.liaisons": 12,
    "roster.volunteers": 50,
    "roster.volunteer_posts": 6,
    "roster.officers": 5,
}
LAWS = {"pre_meeting_law_study": ["中华人民共和国民法典", "《信访工作条例》"]}
NARRATIVE = {
    "problems": "一是专业力量不足。\n\n二是宣传形式单一。",
    "next_steps": "一是充实队伍。\n二是创新宣传形式。\n",
}
# Words a report never uses about itself or the way it was made.
ABOUT_THE_SOFTWARE = ("台账", "系统", "软件", "生成", "本报告", "UTC", "暂无数据", "尚未填写")


def figures(counts, **head):
    return document(
        Counter(counts),
        laws=head.pop("laws", LAWS),
        township="hongxing",
        period="2024",
        as_of=AS_OF,
        **head,
    )


def sources(counts):
    """Made-up entry ids: as many entries behind each count as its value."""
    return {name: [f"{name}#{n}" for n in range(value)] for name, value in counts.items() if value}


def entry_ids(counts):
    """Entry ids as a township gives them: as many behind each count as its value."""
    return {name: [f"J-{n:04d}" for n in range(value)] for name, value in counts.items() if value}


def build(counts=FULL, narrative=NARRATIVE, name="红星乡", ids=sources) -> Report:
    return build_report(
        township="hongxing",
        township_name=name,
        year=2024,
        figures=figures(counts),
        narrative=narrative,
        sources=ids(counts),
        issued_on=ISSUED,
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return build()


def themes(report: Report):
    return report.sections[0].subsections


# -- parts and themes ------------------------------------------------------------------------


def test_the_opening_comes_before_the_three_parts(report):
    assert report.title == "红星乡2024年法治政府建设工作情况报告"
    lines = report.body().splitlines()
    assert lines[0] == report.title
    assert lines[1] == report.opening.text() and lines[1].endswith("报告如下。")
    assert lines[2] == "一、工作开展情况"
    assert [s.heading for s in report.sections] == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步打算",
    ]


def test_the_themes_are_numbered_and_their_points_run_yi_shi_er_shi(report):
    headings = [t.heading for t in themes(report)]
    assert [h[:3] for h in headings] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert all(h.endswith("。") and "，" in h for h in headings)  # a sentence, not a label
    assert [t.code for t in themes(report)] == [code for code in THEMES if code != "leaders_duty"]
    for theme in themes(report):
        starts = [p.text()[:2] for p in theme.paragraphs]
        assert starts == [f"{numeral(n)}是" for n in range(1, len(starts) + 1)], theme.heading


def test_a_township_with_three_kinds_of_events_has_no_empty_theme():
    counts = {  # publicity sessions, hotline cases, inspections: nothing else
        "sessions.publicity.count": 6,
        "sessions.publicity.reached": 800,
        "hotline.received": 10,
        "hotline.answered": 10,
        "hotline.resolved": 9,
        "inspections": 3,
    }
    report = build(counts, narrative=None)

    assert [s.heading for s in report.sections] == ["一、工作开展情况"]
    assert [t.heading for t in themes(report)] == [
        "（一）严格规范执法，提升综合执法水平。",
        "（二）深化普法宣传，依法化解矛盾纠纷。",
    ]
    text = report.body()
    assert "未发现需要整改的问题" in text
    assert "答复率100%" in text
    for word in (*ABOUT_THE_SOFTWARE, "未开展", "未召开", "尚未聘请", "党委会议", "调解"):
        assert word not in text, word
    assert not re.search(r"(?<!\d)0(?!\d)", text)


def test_an_empty_year_has_an_opening_and_nothing_else():
    report = build({}, narrative=None)
    assert report.sections == ()
    assert list(report.figures()) == [] and report.annex.sources == ()


def test_the_narrative_is_the_townships_text_one_paragraph_a_line(report):
    problems, next_steps = report.sections[1], report.sections[2]
    assert [p.text() for p in problems.paragraphs] == ["一是专业力量不足。", "二是宣传形式单一。"]
    assert [p.text() for p in next_steps.paragraphs] == ["一是充实队伍。", "二是创新宣传形式。"]


def test_a_part_without_text_is_left_out_and_the_next_takes_its_number():
    report = build(narrative={"problems": " \n ", "next_steps": "一是充实队伍。"})
    assert [s.heading for s in report.sections] == ["一、工作开展情况", "二、下一步打算"]


# -- the head's own paragraphs ----------------------------------------------------------------


def test_the_heads_paragraph_follows_the_points_of_its_theme():
    own = {
        "study": "镇党委书记带头讲法治课。\n每月一次以案释法。",
        "enforcement": "推行“721”工作法。",
    }
    report = build(narrative={**NARRATIVE, "themes": own})
    by_code = {t.code: t for t in themes(report)}
    study = [p.text() for p in by_code["study"].paragraphs]
    assert study[-2:] == ["镇党委书记带头讲法治课。", "每月一次以案释法。"]
    assert study[0].startswith("一是")
    assert [p.text() for p in by_code["enforcement"].paragraphs][-1] == "推行“721”工作法。"
    assert "leaders_duty" not in by_code  # the principal leaders' duty: only in the head's words


def test_a_theme_with_only_the_heads_words_is_reported():
    own = {"leaders_duty": "主要负责人带头尊法学法守法用法。", "decisions": "完善了决策目录。"}
    report = build({"hotline.received": 2, "hotline.answered": 2}, {"themes": own})
    assert [(t.heading, [p.text() for p in t.paragraphs]) for t in themes(report)] == [
        ("（一）规范决策程序，推进依法科学民主决策。", ["完善了决策目录。"]),
        ("（二）深化普法宣传，依法化解矛盾纠纷。", [themes(report)[1].paragraphs[0].text()]),
        (
            "（三）履行推进法治建设第一责任人职责，压实工作责任。",
            ["主要负责人带头尊法学法守法用法。"],
        ),
    ]


# -- phrasing in the report (the phrasing itself: test_report_phrasing.py) ------------------


def test_rates_read_as_percentages_in_their_sentences(report):
    text = report.body()
    for fragment in (
        "全年5项重大行政决策中，经过合法性审查的4项，合法性审查覆盖率80%",
        "整改率100%，按期整改率77.8%",
        "调解成功率91.3%",
        "答复率97.5%",
        "覆盖群众2万人次",
    ):
        assert fragment in text, fragment


def test_the_decisions_name_the_procedure_steps_they_went_through(report):
    text = report.body()
    assert "决策过程中，听取公众意见的2项，进行风险评估的5项。" in text
    assert "司法所审查5项，经审查同意4项、不予同意1项" in text
    assert "开展专家论证" not in text and "向社会公开" not in text  # no such decision
    steps = {f.path for f in report.figures() if f.path.startswith("decisions.by_step.")}
    assert steps == {"decisions.by_step.public_participation", "decisions.by_step.risk_assessment"}
    assert set(DECISION_STEPS) >= {s.rsplit(".", 1)[1] for s in steps}


def test_a_township_speaks_of_itself_by_its_kind(report):
    assert "乡级聘请法律顾问1名" in report.body() and "全乡" in report.body()
    town = build(name="红星镇").body()
    assert "镇级聘请法律顾问1名" in town and "全镇" in town and "全乡" not in town


def test_open_issues_are_stated_as_they_stand():
    counts = {**FULL, "issues.rectified": 6, "issues.rectified_on_time": 6}
    assert "其余问题正在整改期限内" in build(counts).body()
    overdue = build({**counts, "issues.overdue": 2}).body()
    assert "尚有2个问题已过整改期限仍未整改" in overdue
    assert "其余问题" not in overdue


def test_the_body_never_speaks_of_how_it_was_made(report):
    text = report.body()
    for word in ABOUT_THE_SOFTWARE:
        assert word not in text, word
    assert "2025" not in text  # the moment the figures stand at is the annex's


def test_every_number_of_the_body_is_a_figure(report):
    for part in _string_parts(report):
        for run in re.findall(r"\d+", part):
            assert run in ("2024", "12345"), (run, part)  # the year; the hotline's name


def test_every_figure_shows_its_value_in_the_figures_document(report):
    doc = figures(FULL)
    shown = list(report.figures())
    assert len(shown) > 35
    for figure in shown:
        value = lookup(doc, figure.path)
        if figure.path.startswith("rates."):
            assert figure.value == value["value"]
            assert figure.text == percent(value["numerator"], value["denominator"])
        else:
            assert figure.value == value and figure.text == number(value)
    assert Figure("rates.mediation_success", 0.9125, "91.3%") in shown
    assert Figure("sessions.publicity.reached", 20000, "2万") in shown


def test_the_laws_studied_are_named_once_each_in_book_title_marks(report):
    assert "学习了《中华人民共和国民法典》《信访工作条例》等法律法规" in report.body()


# -- the annex ----------------------------------------------------------------------------------


def test_the_annex_traces_every_figure_of_the_body_once(report):
    annex = report.annex
    assert annex.heading == "附件：数据来源"
    paths = [s.path for s in annex.sources]
    assert sorted(paths) == sorted({f.path for f in report.figures()})
    assert len(paths) == len(set(paths))
    for source in annex.sources:
        if source.path.startswith("rates."):
            continue
        assert source.entries == FULL[source.path]
        assert source.entry_ids == (
            tuple(sorted(f"{source.path}#{n}" for n in range(FULL[source.path])))
            if FULL[source.path] <= 10
            else ()
        )


def test_a_rate_is_traced_to_the_entries_of_its_numerator_and_denominator(report):
    (rate,) = [s for s in report.annex.sources if s.path == "rates.hotline_answer"]
    assert (rate.label, rate.text, rate.entries, rate.of_entries) == (
        "12345热线转办事项答复率",
        "97.5%",
        39,
        40,
    )
    row = next(r for r in source_rows(report.annex) if r[1] == "12345热线转办事项答复率")
    assert row[2:] == (
        "97.5%",
        "39/40",
        "0",  # none of its entries carries evidence
        "见“台账”页，类型：12345转办，2024年，共40条；其中状态为“已办结”的39条",
    )


def test_the_annex_states_the_moment_in_beijing_time_and_where_to_look(report):
    text = "\n".join(report.annex.lines())
    assert "本报告数据截至2025年1月15日8时00分（北京时间）" in text
    assert "在“台账”页按所列类型和日期" in text
    assert "township-ledger" not in text and "trace" not in text and "--" not in text
    assert "UTC" not in text and "Z" not in text


def test_the_annex_has_a_name_for_every_figure_the_body_may_show():
    unused = {"issues.rectified_on_time"}  # shown only as the on-time rate's numerator
    assert set(COUNT_FIGURES) - unused <= set(LABELS)
    assert {f"rates.{name}" for name in RATES} <= set(LABELS)


# -- refusals -----------------------------------------------------------------------------------


def test_figures_of_another_township_or_period_or_incomplete_are_refused():
    def attempt(doc):
        build_report(
            township="hongxing",
            township_name="红星乡",
            year=2024,
            figures=doc,
            narrative=None,
            sources={},
            issued_on=ISSUED,
        )

    with pytest.raises(ValueError, match="township"):
        attempt({**figures(FULL), "township": "other"})
    with pytest.raises(ValueError, match="period"):
        attempt({**figures(FULL), "period": "2024-Q1"})
    incomplete = figures(FULL)
    del incomplete["hotline"]
    with pytest.raises(ValueError, match="hotline"):
        attempt(incomplete)


def _string_parts(report: Report):
    yield report.title
    for paragraph in (
        report.opening,
        *(p for s in report.sections[:1] for t in s.subsections for p in t.paragraphs),
    ):
        yield from (part for part in paragraph.parts if isinstance(part, str))
    for section in report.sections:
        yield section.heading
        for theme in section.subsections:
            yield theme.heading
