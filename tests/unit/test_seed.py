"""The seed town's 2024, written from its report (../shared/seed/000_35acf787e928bc26.zh-Hans.txt,
DOMAIN.md's golden example): every figure of the seed, checked through the projection (the
figures document of the demo's seed lines) and in the generated report (its text, the figure
it marks in the HTML, and the annex that traces it). The one place these numbers are written."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from documents.report_html import render_html
from infra.settings import event_store_env
from projections.figures import lookup
from sample.lines import seed_lines
from services import open_services
from tests.support import OPERATOR, FigureSpans, unique


class Seed(NamedTuple):
    figure: str  # its name in the figures document
    value: int | float  # for a rate: its value
    written: str  # as the generated report writes it
    says: str  # what the seed report says


SEED = [
    Seed("sessions.theory_study.count", 5, "5", "专题学习习近平法治思想5场次"),
    Seed("sessions.political_study_day.count", 51, "51", "政治理论学习日51场次"),
    Seed("sessions.lecture.count", 5, "5", "邀请法律业务骨干、律师举办讲座5场次"),
    Seed("decisions.reviewed", 7, "7", "法律顾问参与重大事务决策7次"),
    Seed("decisions.by_reviewer.legal_advisor", 7, "7", "法律顾问参与重大事务决策7次"),
    Seed("rates.legality_review_coverage", 1.0, "100%", "对重大决策的合法合规性审查"),
    Seed("disputes.by_mediator.legal_advisor", 16, "16", "协助调解信访和疑难矛盾纠纷16起"),
    Seed("meetings.count", 59, "59", "召开党委会议59次"),
    Seed("meetings.matters_decided", 37, "37", "讨论决定重大事项37项"),
    Seed("roster.advisors_township", 1, "1", "镇级聘法律顾问1人"),
    Seed("roster.advisors_community", 8, "8", "社区聘法律顾问8人"),
    Seed("roster.liaisons", 36, "36", "全镇共有法律明白人36人"),
    Seed("roster.volunteers", 392, "392", "与392名志愿者签订承诺践诺责任书"),
    Seed("roster.volunteer_posts", 32, "32", "32名志愿者认领矛盾纠纷调处、法治宣传岗"),
    Seed("disputes.by_source.volunteer", 40, "40", "协助社区摸排各类矛盾纠纷40余件"),
    Seed("disputes.by_mediator.volunteer", 36, "36", "调处解决36件"),
    Seed("roster.officers", 8, "8", "抽调8名骨干成立综合执法队，持证上岗"),
    Seed("sessions.enforcement_training.count", 4, "4", "组织法治培训4次"),
    Seed("sessions.enforcement_training.attendees", 160, "160", "培训人员达160人次"),
    Seed("inspections", 22, "22", "开展执法检查22次"),
    Seed("issues.found", 33, "33", "发现各类问题33个"),
    Seed("issues.rectified", 32, "32", "督促整改32个"),
    Seed("rates.rectification", 0.9697, "97%", "发现33个，整改32个"),
    Seed("sessions.publicity.count", 120, "120", "法治宣传活动120余场"),
    Seed("sessions.publicity.materials", 600, "600", "发放宣传资料600余份"),
    Seed("sessions.publicity.reached", 40000, "4万", "惠及群众4万余人次"),
    Seed("disputes.registered", 362, "362", "排查矛盾纠纷362件"),
    Seed("disputes.resolved", 330, "330", "调解成功330件"),
    Seed("rates.mediation_success", 0.9116, "91.2%", "调解成功率达91%"),
    Seed("hotline.received", 332, "332", "收到12345转办332件"),
    Seed("hotline.answered", 332, "332", "答复解决率100%"),
    Seed("hotline.resolved", 332, "332", "答复解决率100%"),
    Seed("rates.hotline_answer", 1.0, "100%", "答复解决率100%"),
]
# 会前学法: the laws the seed names.
SEED_LAWS = [
    "中华人民共和国反电信网络诈骗法",
    "中国共产党纪律处分条例",
    "中华人民共和国妇女权益保障法",
    "信访工作条例",
    "中华人民共和国反有组织犯罪法",
    "中华人民共和国劳动法",
]
# The decision theme names the procedure steps (the seed: 专家咨询论证、听取意见、风险评估、
# 合法性审查、集体决定、信息公开): each step some of the 7 decisions went through.
STEP_WORDS = [
    "听取公众意见的",
    "开展专家论证的",
    "进行风险评估的",
    "经集体讨论决定的",
    "依法向社会公开的",
]


class Seeded(NamedTuple):
    figures: dict
    report: object
    html: str
    spans: dict[str, set[str]]
    traced: dict[str, list[str]]


@pytest.fixture(scope="module")
def seed() -> Seeded:
    ledger = open_services(event_store_env("memory:"))
    county, town = unique("county"), unique("town")
    ledger.tenancy.add_county(OPERATOR, code=county, name="巩留县")
    ledger.tenancy.add_township(OPERATOR, county=county, code=town, name="巩留镇")
    lines = [json.dumps({**line, "township": town}, ensure_ascii=False) for line in seed_lines()]
    ledger.interchange.import_lines(OPERATOR, lines)
    figures = ledger.figures.figures(OPERATOR, township=town, period="2024")
    report = ledger.reports.report(OPERATOR, township=town, year=2024)
    traced = {
        s.figure: ledger.figures.trace(OPERATOR, township=town, period="2024", figure=s.figure)
        for s in SEED
    }
    html = render_html(report)
    spans = FigureSpans()
    spans.feed(html)
    ledger.close()
    return Seeded(figures, report, html, spans.found, traced)


@pytest.mark.parametrize("seed_figure", SEED, ids=[s.figure for s in SEED])
def test_the_figures_document_holds_the_seed_figure(seed, seed_figure):
    found = lookup(seed.figures, seed_figure.figure)
    if seed_figure.figure.startswith("rates."):
        found = found["value"]
    assert found == seed_figure.value


@pytest.mark.parametrize("seed_figure", SEED, ids=[s.figure for s in SEED])
def test_the_report_states_the_seed_figure_and_traces_it(seed, seed_figure):
    name, written = seed_figure.figure, seed_figure.written
    shown = [f for f in seed.report.figures() if f.path == name]
    assert shown and {f.text for f in shown} == {written}
    assert seed.spans[name] == {written}
    assert any(written in line for line in seed.report.body().splitlines() if "是" in line)
    (source,) = [s for s in seed.report.annex.sources if s.path == name]
    assert source.text == written
    if not name.startswith("rates."):
        assert source.entries == len(seed.traced[name])


def test_the_report_names_the_laws_studied_before_meetings(seed):
    assert sorted(seed.figures["sessions"]["pre_meeting_law_study"]["laws"]) == sorted(SEED_LAWS)
    body = seed.report.body()
    assert all(f"《{law}》" in body for law in SEED_LAWS)


def test_the_decision_theme_names_the_steps_the_seven_decisions_went_through(seed):
    (decisions,) = [t for t in seed.report.sections[0].subsections if t.code == "decisions"]
    text = "\n".join(p.text() for p in decisions.paragraphs)
    assert "全年7项重大行政决策均经过合法性审查" in text
    by_step = seed.figures["decisions"]["by_step"]
    assert by_step["legality_review"] == 7
    for step, words in zip(
        [
            "public_participation",
            "expert_consultation",
            "risk_assessment",
            "collective_decision",
            "disclosure",
        ],
        STEP_WORDS,
        strict=True,
    ):
        assert 0 < by_step[step] <= 7
        assert f"{words}{by_step[step]}项" in text


def test_the_seed_report_reads_in_the_seeds_structure(seed):
    report = seed.report
    assert report.title == "巩留镇2024年法治政府建设工作情况报告"
    assert [s.heading for s in report.sections] == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步打算",
    ]
    (narrative,) = [line for line in seed_lines() if line["type"] == "report_narrative"]
    themes = report.sections[0].subsections
    assert [t.code for t in themes] == list(narrative["themes"])  # every theme, in order
    for theme in themes:  # the head's own paragraph closes each theme
        assert theme.paragraphs[-1].text() == narrative["themes"][theme.code]
    assert report.opening.text().startswith("2024年，巩留镇")
    for part in report.sections[1:]:
        assert [p.text()[:2] for p in part.paragraphs] == ["一是", "二是", "三是"]
    assert "附件：数据来源" in seed.html
