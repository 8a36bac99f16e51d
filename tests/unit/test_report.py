"""The annual report: document model, HTML and DOCX renderings."""

from __future__ import annotations

import ast
import copy
import io
import re
from pathlib import Path

import docx
import pytest

from projections.report import (
    NO_DATA,
    PLACEHOLDER,
    Figure,
    Paragraph,
    Report,
    build_report,
    render_docx,
    render_html,
)

SEED_LAWS = [
    "中华人民共和国反电信网络诈骗法",
    "中国共产党纪律处分条例",
    "中华人民共和国妇女权益保障法",
    "信访工作条例",
    "中华人民共和国反有组织犯罪法",
    "中华人民共和国劳动法",
]


def _session(count=0, attendees=0, reached=0, materials=0, laws=()):
    return {
        "count": count,
        "attendees": attendees,
        "reached": reached,
        "materials": materials,
        "laws": list(laws),
    }


def _rate(numerator, denominator):
    value = round(numerator / denominator, 4) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "value": value}


SEED = {
    "township": "gongliu",
    "period": "2024",
    "as_of": "2025-01-15T00:00:00+00:00",
    "sessions": {
        "theory_study": _session(5),
        "political_study_day": _session(51),
        "pre_meeting_law_study": _session(6, laws=SEED_LAWS),
        "lecture": _session(5),
        "enforcement_training": _session(4, attendees=160),
        "publicity": _session(120, reached=40000, materials=600),
    },
    "meetings": {"count": 59, "matters_decided": 37},
    "decisions": {
        "reviewed": 7,
        "with_legality_review": 7,
        "by_result": {"approved": 6, "approved_with_changes": 1, "rejected": 0},
        "by_reviewer": {"legal_advisor": 7, "judicial_office": 0, "other": 0},
    },
    "inspections": 22,
    "issues": {"found": 33, "rectified": 32, "overdue": 1},
    "disputes": {
        "registered": 362,
        "resolved": 330,
        "failed": 32,
        "by_mediator": {
            "mediation_committee": 278,
            "legal_advisor": 16,
            "volunteer": 36,
            "other": 0,
        },
        "by_source": {
            "screening": 250,
            "hotline_12345": 60,
            "petition": 12,
            "volunteer": 40,
            "other": 0,
        },
    },
    "hotline": {"received": 332, "answered": 332, "resolved": 332},
    "roster": {
        "advisors_township": 1,
        "advisors_community": 8,
        "liaisons": 36,
        "volunteers": 392,
        "volunteer_posts": 32,
        "officers": 8,
    },
    "rates": {
        "legality_review_coverage": _rate(7, 7),
        "rectification": _rate(32, 33),
        "on_time_rectification": _rate(30, 33),
        "mediation_success": _rate(330, 362),
        "hotline_answer": _rate(332, 332),
    },
}

NARRATIVE = {
    "problems": "一是法治专业力量不足。\n\n二是普法形式较为单一。",
    "next_steps": "一是充实法治人才队伍。\n二是丰富普法宣传形式。\n",
}


def _zeroed(document):
    """The same document with every count (and every rate) at zero."""
    if isinstance(document, dict):
        if set(document) == {"numerator", "denominator", "value"}:
            return {"numerator": 0, "denominator": 0, "value": None}
        return {key: _zeroed(value) for key, value in document.items()}
    if isinstance(document, int) and not isinstance(document, bool):
        return 0
    if isinstance(document, list):
        return []
    return document


def _build(figures=SEED, narrative=NARRATIVE, **kwargs) -> Report:
    return build_report(
        township="gongliu",
        township_name="巩留镇",
        year=2024,
        figures=figures,
        narrative=narrative,
        **kwargs,
    )


def _walk(document, path):
    node = document
    for key in path.split("."):
        node = node[key]
    return node


def _string_parts(report: Report):
    def paragraphs(section):
        yield from section.paragraphs
        for subsection in section.subsections:
            yield from paragraphs(subsection)

    for section in report.sections:
        yield section.heading
        for paragraph in paragraphs(section):
            yield from (part for part in paragraph.parts if isinstance(part, str))


@pytest.fixture(scope="module")
def report() -> Report:
    return _build()


def test_structure(report):
    assert report.title == "巩留镇2024年法治政府建设工作情况报告"
    assert (report.township, report.year, report.as_of) == (
        "gongliu",
        2024,
        "2025-01-15T00:00:00+00:00",
    )
    assert [s.heading for s in report.sections] == [
        "一、工作开展情况",
        "二、存在的问题",
        "三、下一步打算",
    ]
    assert [s.heading for s in report.sections[0].subsections] == [
        "（一）学法用法",
        "（二）依法决策",
        "（三）法治队伍和基层力量",
        "（四）严格规范执法",
        "（五）普法宣传和矛盾纠纷化解",
        "（六）党政主要负责人履行推进法治建设第一责任人职责情况",
    ]
    assert all(s.paragraphs for s in report.sections[0].subsections)


def test_leaders_duty_is_optional():
    report = _build(leaders_duty=False)
    headings = [s.heading for s in report.sections[0].subsections]
    assert len(headings) == 5
    assert not any("第一责任人" in h for h in headings)


def test_text_carries_the_seed_facts(report):
    text = report.text()
    assert text.startswith(report.title + "\n")
    for fragment in (
        "党委理论学习中心组专题学法5场次",
        "政治理论学习日活动51场次",
        "会前学法6次",
        "《中华人民共和国反电信网络诈骗法》《中国共产党纪律处分条例》",
        "举办法治讲座5场次",
        "合法性审查覆盖率100.0%（7/7）",
        "由法律顾问审查的7项",
        "同意6项、修改后同意1项。",
        "召开党委会议59次，集体讨论决定重大事项37项",
        "镇级聘请法律顾问1名，社区（村）聘请法律顾问8名",
        "“法律明白人”36名",
        "与392名志愿者",
        "其中32名认领",
        "持有行政执法证件的人员共8名",
        "执法培训4次，培训160人次",
        "执法检查22次",
        "发现各类问题33个，已督促整改32个，整改率97.0%（32/33），按期整改率90.9%（30/33）",
        "仍有1个问题超过整改期限",
        "普法宣传活动120场次，发放宣传资料600份，覆盖群众40000人次",
        "排查登记矛盾纠纷362件",
        "调解成功330件，调解成功率91.2%（330/362）",
        "法律顾问协助调解16件",
        "收到政务服务便民热线转办事项332件，已答复332件，答复率100.0%（332/332）",
    ):
        assert fragment in text, fragment
    assert "不予同意" not in text  # zero counts are left out, not printed as 0
    assert "0项" not in text


def test_numbers_only_come_from_figures(report):
    for text in [report.title, *_string_parts(report)]:
        for run in re.findall(r"\d+", text):
            assert run == "2024", (run, text)


def test_figures_match_the_document(report):
    figures = list(report.figures())
    assert len(figures) > 40
    for figure in figures:
        source = _walk(SEED, figure.path)
        if isinstance(source, dict):  # a rate
            assert figure.value == source["value"]
            share = 100 * source["numerator"] / source["denominator"]
            assert figure.text == f"{share:.1f}%"
        else:
            assert figure.value == source
            assert figure.text == str(source)
    paths = [f.path for f in figures]
    assert "rates.mediation_success" in paths
    assert Figure("disputes.registered", 362, "362") in figures
    assert Figure("rates.mediation_success", 0.9116, "91.2%") in figures


def test_zero_denominator_rate_reads_no_data():
    figures = copy.deepcopy(SEED)
    figures["decisions"] = {
        "reviewed": 0,
        "with_legality_review": 0,
        "by_result": {"approved": 0, "approved_with_changes": 0, "rejected": 0},
        "by_reviewer": {"legal_advisor": 0, "judicial_office": 0, "other": 0},
    }
    figures["rates"]["legality_review_coverage"] = _rate(0, 0)
    report = _build(figures)
    assert "合法性审查覆盖率暂无数据" in report.text()
    coverage = [f for f in report.figures() if f.path == "rates.legality_review_coverage"]
    assert coverage == [Figure("rates.legality_review_coverage", None, NO_DATA)]
    assert not re.search(r"(?<![\d.])0\.0%", report.text())


def test_an_empty_year_reads_naturally():
    report = _build(_zeroed(SEED), narrative=None)
    text = report.text()
    assert all(f.value is None and f.text == NO_DATA for f in report.figures())
    assert not re.search(r"(?<!\d)0(?!\d)", text)
    for fragment in (
        "全年未开展党委理论学习中心组专题学法和政治理论学习日活动。",
        "全年未召开党委会议。",
        "尚未聘请法律顾问；尚未登记“法律明白人”。",
        "调解成功率暂无数据",
        "答复率暂无数据",
        "整改率暂无数据，按期整改率暂无数据",
    ):
        assert fragment in text, fragment
    render_html(report)
    render_docx(report)


def test_missing_narrative_gives_the_placeholder():
    for narrative in (None, {}, {"problems": "  \n\n ", "next_steps": None}):
        report = _build(narrative=narrative)
        for section in report.sections[1:]:
            assert section.paragraphs == (Paragraph((PLACEHOLDER,)),)


def test_narrative_is_split_into_paragraphs(report):
    problems, next_steps = report.sections[1], report.sections[2]
    assert [p.text() for p in problems.paragraphs] == [
        "一是法治专业力量不足。",
        "二是普法形式较为单一。",
    ]
    assert [p.text() for p in next_steps.paragraphs] == [
        "一是充实法治人才队伍。",
        "二是丰富普法宣传形式。",
    ]


def test_figures_of_another_township_or_period_are_refused():
    with pytest.raises(ValueError):
        _build({**SEED, "township": "other"})
    with pytest.raises(ValueError):
        _build({**SEED, "period": "2024-Q1"})
    incomplete = copy.deepcopy(SEED)
    del incomplete["hotline"]
    with pytest.raises(ValueError, match="hotline"):
        _build(incomplete)


def test_html(report):
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-Hans">' in html
    assert '<meta charset="utf-8">' in html
    assert '<span class="figure" data-figure="disputes.registered">362</span>' in html
    assert '<span class="figure" data-figure="disputes.resolved">330</span>' in html
    assert '<span class="figure" data-figure="rates.mediation_success">91.2%</span>' in html
    assert "排查登记矛盾纠纷<span" in html  # no stray whitespace between parts
    assert "<h1>巩留镇2024年法治政府建设工作情况报告</h1>" in html
    assert "<h2>一、工作开展情况</h2>" in html
    assert "<h3>（一）学法用法</h3>" in html
    assert html.count('class="figure"') == len(list(report.figures()))
    for external in ("http://", "https://", "<link", "<script", "src="):
        assert external not in html


def test_html_escapes_the_narrative():
    report = _build(narrative={"problems": '<script>alert("x")</script> & 其他', "next_steps": ""})
    html = render_html(report)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; 其他" in html


def test_docx(report):
    document = docx.Document(io.BytesIO(render_docx(report)))
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)
    assert paragraphs[0] == report.title
    for heading in ("一、工作开展情况", "二、存在的问题", "三、下一步打算"):
        assert heading in paragraphs
    for number in ("362", "330", "91.2%", "332", "22", "59", "37", "36", "392", "160"):
        assert number in text, number
    assert document.core_properties.title == report.title
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、工作开展情况", "二、存在的问题", "三、下一步打算"]
    east_asia = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )
    assert east_asia == "仿宋"


def test_projections_stay_free_of_outer_layers():
    import projections.report as module

    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"flask", "marshmallow", "psycopg", "services", "web", "infra"}
