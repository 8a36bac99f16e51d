"""The annual report of a township, as a document model, rendered to HTML and DOCX.

The report is built from a *figures document* (see DOMAIN.md, "The public contract") and the
township's own narrative. It follows the standard three-part structure: 一、工作开展情况 (what
was done, by theme), 二、存在的问题 and 三、下一步打算 (the township's own text).

Traceability: every number in the generated text is a :class:`Figure` part that names the path
of the value in the figures document (``disputes.registered``, ``rates.mediation_success``,
``rates.mediation_success.numerator`` ...). String parts hold no digits except the report's year;
list numbering uses Chinese numerals. Text supplied by the township (law titles, narrative) is
carried verbatim. Zero counts are not printed as "0": the clause is left out or says 未…; a rate
whose denominator is 0 reads 暂无数据.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

__all__ = [
    "NO_DATA",
    "PLACEHOLDER",
    "Figure",
    "Paragraph",
    "Report",
    "Section",
    "build_report",
    "render_docx",
    "render_html",
]

NO_DATA = "暂无数据"
PLACEHOLDER = "（本节尚未填写。）"

_NUMERALS = "一二三四五六七八九十"


# --------------------------------------------------------------------------- the document model


@dataclass(frozen=True)
class Figure:
    """A number as it appears in the report, with the path of its source in the figures."""

    path: str
    value: int | float | None
    text: str


Part = str | Figure


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Part, ...]

    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    def figures(self) -> Iterator[Figure]:
        for part in self.parts:
            if isinstance(part, Figure):
                yield part


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[Paragraph, ...]
    subsections: tuple[Section, ...] = ()

    def figures(self) -> Iterator[Figure]:
        for paragraph in self.paragraphs:
            yield from paragraph.figures()
        for subsection in self.subsections:
            yield from subsection.figures()

    def lines(self) -> Iterator[str]:
        yield self.heading
        for paragraph in self.paragraphs:
            yield paragraph.text()
        for subsection in self.subsections:
            yield from subsection.lines()


@dataclass(frozen=True)
class Report:
    title: str
    township: str
    township_name: str
    year: int
    as_of: str
    sections: tuple[Section, ...]

    def figures(self) -> Iterator[Figure]:
        """Every Figure of the report, in reading order."""
        for section in self.sections:
            yield from section.figures()

    def text(self) -> str:
        """The report as plain text: the title, then one line per heading or paragraph."""
        lines = [self.title]
        for section in self.sections:
            lines.extend(section.lines())
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- building


def build_report(
    *,
    township: str,
    township_name: str,
    year: int,
    figures: Mapping[str, Any],
    narrative: Mapping[str, Any] | None,
    leaders_duty: bool = True,
) -> Report:
    """Build the annual report of ``township`` for ``year`` from its figures document.

    ``narrative`` may hold ``problems`` and ``next_steps`` (text; paragraphs separated by line
    breaks). ``leaders_duty`` adds the section on the principal leaders' duty. Raises
    ValueError when the figures document belongs to another township or period, or lacks a
    field of the public contract.
    """
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError("year must be an int")
    if not township_name or not township_name.strip():
        raise ValueError("township_name must not be empty")
    if figures.get("township") not in (None, township):
        raise ValueError(f"figures are for township {figures.get('township')!r}, not {township!r}")
    if figures.get("period") not in (None, str(year)):
        raise ValueError(f"figures are for period {figures.get('period')!r}, not {year}")

    c = _Composer(figures, township_name)
    work = [
        _legal_study(c),
        _lawful_decisions(c),
        _workforce(c),
        _enforcement(c),
        _publicity_and_disputes(c),
    ]
    if leaders_duty:
        work.append(_leaders_duty(c))
    work_sections = tuple(
        Section(f"（{_NUMERALS[i]}）{heading}", paragraphs)
        for i, (heading, paragraphs) in enumerate(work)
    )
    narrative = narrative or {}
    sections = (
        Section(
            "一、工作开展情况",
            (_opening(year, township_name),),
            work_sections,
        ),
        Section("二、存在的问题", _narrative(narrative.get("problems"), "problems")),
        Section("三、下一步打算", _narrative(narrative.get("next_steps"), "next_steps")),
    )
    return Report(
        title=f"{township_name}{year}年法治政府建设工作情况报告",
        township=township,
        township_name=township_name,
        year=year,
        as_of=str(figures.get("as_of") or ""),
        sections=sections,
    )


class _Composer:
    """Reads the figures document and turns its values into Figure parts."""

    def __init__(self, figures: Mapping[str, Any], township_name: str) -> None:
        self.figures = figures
        if township_name.endswith("街道"):
            self.level, self.whole, self.here = "街道本级", "全街道", "本街道"
        elif township_name.endswith("乡"):
            self.level, self.whole, self.here = "乡级", "全乡", "本乡"
        else:
            self.level, self.whole, self.here = "镇级", "全镇", "本镇"

    def _get(self, path: str) -> Any:
        node: Any = self.figures
        for key in path.split("."):
            if not isinstance(node, Mapping) or key not in node:
                raise ValueError(f"the figures document lacks {path!r}")
            node = node[key]
        return node

    def n(self, path: str) -> int:
        value = self._get(path)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"figure {path!r} must be a count (int ≥ 0), got {value!r}")
        return value

    def fig(self, path: str) -> Figure:
        value = self.n(path)
        return Figure(path, value, str(value))

    def laws(self, kind: str) -> list[str]:
        laws = self._get(f"sessions.{kind}").get("laws") or []
        seen: list[str] = []
        for law in laws:
            title = str(law).strip()
            if title and title not in seen:
                seen.append(title)
        return seen

    def rate(self, name: str) -> list[Part]:
        """``91.2%（330/362）``, or ``暂无数据`` when the denominator is 0."""
        path = f"rates.{name}"
        rate = self._get(path)
        if not isinstance(rate, Mapping):
            raise ValueError(f"figure {path!r} must be an object")
        numerator = self.n(f"{path}.numerator")
        denominator = self.n(f"{path}.denominator")
        value = rate.get("value")
        if denominator == 0:
            return [Figure(path, None, NO_DATA)]
        return [
            Figure(path, value, _percent(numerator, denominator)),
            "（",
            Figure(f"{path}.numerator", numerator, str(numerator)),
            "/",
            Figure(f"{path}.denominator", denominator, str(denominator)),
            "）",
        ]

    def counted(self, path: str, before: str, after: str) -> list[Part] | None:
        """``before{n}after`` when the count is not zero, else None."""
        figure = self.fig(path)
        return [before, figure, after] if figure.value else None


def _percent(numerator: int, denominator: int) -> str:
    share = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{share}%"


def _flatten(items: Iterable[Any]) -> Iterator[Part]:
    for item in items:
        if item is None:
            continue
        if isinstance(item, str | Figure):
            yield item
        else:
            yield from _flatten(item)


def _para(*items: Any) -> Paragraph:
    """A paragraph from strings, Figures and (nested) lists of them; adjacent strings merge."""
    parts: list[Part] = []
    for part in _flatten(items):
        if isinstance(part, str):
            if not part:
                continue
            if parts and isinstance(parts[-1], str):
                parts[-1] += part
                continue
        parts.append(part)
    return Paragraph(tuple(parts))


def _series(clauses: Iterable[list[Part] | None], separator: str = "、") -> list[Part]:
    """The non-empty clauses joined by ``separator``."""
    out: list[Part] = []
    for clause in clauses:
        if clause:
            if out:
                out.append(separator)
            out.extend(clause)
    return out


def _attendance(c: _Composer, kind: str) -> list[Part] | None:
    return c.counted(f"sessions.{kind}.attendees", "（参加", "人次）")


def _held(c: _Composer, kind: str, label: str) -> list[Part] | None:
    """``{label}{count}场次（参加{attendees}人次）``, or None when none were held."""
    held = c.counted(f"sessions.{kind}.count", label, "场次")
    return held and [*held, *(_attendance(c, kind) or [])]


def _opening(year: int, township_name: str) -> Paragraph:
    return _para(
        f"{year}年，{township_name}以习近平法治思想为引领，把法治政府建设落实到"
        "决策、执法和服务群众的日常工作。本报告中的各项数据由日常工作台账逐条记录汇总生成，"
        "均可追溯到具体记录。现将全年工作情况报告如下。"
    )


def _legal_study(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    paragraphs = []

    study = _series(
        [
            _held(c, "theory_study", "党委理论学习中心组专题学法"),
            _held(c, "political_study_day", "政治理论学习日活动"),
        ]
    )
    if study:
        paragraphs.append(
            _para(
                "全年开展",
                study,
                "，组织党员干部学习习近平法治思想和与工作相关的法律法规。",
            )
        )
    else:
        paragraphs.append(_para("全年未开展党委理论学习中心组专题学法和政治理论学习日活动。"))

    pre = c.counted("sessions.pre_meeting_law_study.count", "坚持会前学法制度，全年会前学法", "次")
    laws = c.laws("pre_meeting_law_study")
    if pre:
        listed = "".join(law if law.startswith("《") else f"《{law}》" for law in laws)
        paragraphs.append(
            _para(
                pre,
                _attendance(c, "pre_meeting_law_study"),
                f"，学习了{listed}等法律法规" if laws else "",
                "。",
            )
        )
    else:
        paragraphs.append(_para("全年未开展会前学法。"))

    lectures = c.counted("sessions.lecture.count", "邀请法律专业人员举办法治讲座", "场次")
    if lectures:
        paragraphs.append(
            _para(
                lectures,
                _attendance(c, "lecture"),
                "，帮助党员干部提升运用法治思维和法治方式开展工作的能力。",
            )
        )
    else:
        paragraphs.append(_para("全年未举办法治讲座。"))
    return "学法用法", tuple(paragraphs)


def _lawful_decisions(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    paragraphs = []
    reviewed = c.fig("decisions.reviewed")
    coverage = c.rate("legality_review_coverage")
    if reviewed.value:
        with_review = c.fig("decisions.with_legality_review")
        paragraphs.append(
            _para(
                "全年共有",
                reviewed,
                "项重大行政决策提请审查，",
                ["其中经过合法性审查的", with_review, "项"]
                if with_review.value
                else "均未经过合法性审查",
                "，合法性审查覆盖率",
                coverage,
                "。",
            )
        )
        reviewers = _series(
            [
                c.counted("decisions.by_reviewer.legal_advisor", "由法律顾问审查的", "项"),
                c.counted("decisions.by_reviewer.judicial_office", "由司法所审查的", "项"),
                c.counted("decisions.by_reviewer.other", "由其他机构审查的", "项"),
            ]
        )
        results = _series(
            [
                c.counted("decisions.by_result.approved", "同意", "项"),
                c.counted("decisions.by_result.approved_with_changes", "修改后同意", "项"),
                c.counted("decisions.by_result.rejected", "不予同意", "项"),
            ]
        )
        if reviewers or results:
            paragraphs.append(
                _para(
                    ["从审查主体看，", reviewers, "。"] if reviewers else None,
                    ["从审查结果看，", results, "。"] if results else None,
                )
            )
    else:
        paragraphs.append(_para("全年没有重大行政决策提请审查，合法性审查覆盖率", coverage, "。"))

    meetings = c.fig("meetings.count")
    if meetings.value:
        paragraphs.append(
            _para(
                "全年召开党委会议",
                meetings,
                "次",
                c.counted("meetings.matters_decided", "，集体讨论决定重大事项", "项"),
                "。",
            )
        )
    else:
        paragraphs.append(_para("全年未召开党委会议。"))
    return "依法决策", tuple(paragraphs)


def _workforce(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    paragraphs = []
    advisors = _series(
        [
            c.counted("roster.advisors_township", f"{c.level}聘请法律顾问", "名"),
            c.counted("roster.advisors_community", "社区（村）聘请法律顾问", "名"),
        ],
        "，",
    )
    liaisons = c.counted(
        "roster.liaisons", "培育“法律明白人”", "名，帮助群众就近学法用法、化解矛盾"
    )
    paragraphs.append(
        _para(
            advisors or "尚未聘请法律顾问",
            "；",
            liaisons or "尚未登记“法律明白人”",
            "。",
        )
    )

    volunteers = c.counted("roster.volunteers", "与", "名志愿者签订承诺践诺责任书")
    if volunteers:
        paragraphs.append(
            _para(
                volunteers,
                c.counted("roster.volunteer_posts", "，其中", "名认领了矛盾纠纷调解或法治宣传岗位"),
                "，引导群众参与基层治理。",
            )
        )
    else:
        paragraphs.append(_para("尚未登记法治志愿者。"))
    return "法治队伍和基层力量", tuple(paragraphs)


def _enforcement(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    paragraphs = []
    officers = c.counted("roster.officers", f"{c.whole}持有行政执法证件的人员共", "名")
    trainings = c.fig("sessions.enforcement_training.count")
    paragraphs.append(
        _para(
            officers or f"{c.whole}暂无持证行政执法人员",
            "。",
            [
                "全年组织执法培训",
                trainings,
                "次",
                c.counted("sessions.enforcement_training.attendees", "，培训", "人次"),
                "。",
            ]
            if trainings.value
            else "全年未组织执法培训。",
        )
    )

    inspections = c.counted("inspections", "全年开展执法检查", "次。")
    found = c.fig("issues.found")
    if found.value:
        rectified = c.fig("issues.rectified")
        overdue = c.fig("issues.overdue")
        if overdue.value:
            tail: list[Part] = ["仍有", overdue, "个问题超过整改期限尚未整改。"]
        elif rectified.value < found.value:
            tail = ["其余问题尚在整改期限内。"]
        else:
            tail = []
        paragraphs.append(
            _para(
                inspections or "全年未开展执法检查。",
                "发现各类问题",
                found,
                "个，",
                ["已督促整改", rectified, "个"] if rectified.value else "尚无问题完成整改",
                "，整改率",
                c.rate("rectification"),
                "，按期整改率",
                c.rate("on_time_rectification"),
                "。",
                tail,
            )
        )
    else:
        paragraphs.append(
            _para(
                inspections or "全年未开展执法检查。",
                "未发现需要整改的问题，整改率",
                c.rate("rectification"),
                "，按期整改率",
                c.rate("on_time_rectification"),
                "。",
            )
        )
    return "严格规范执法", tuple(paragraphs)


def _publicity_and_disputes(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    paragraphs = []
    events = c.fig("sessions.publicity.count")
    if events.value:
        paragraphs.append(
            _para(
                "全年开展普法宣传活动",
                events,
                "场次",
                c.counted("sessions.publicity.materials", "，发放宣传资料", "份"),
                c.counted("sessions.publicity.reached", "，覆盖群众", "人次"),
                "。",
            )
        )
    else:
        paragraphs.append(_para("全年未开展普法宣传活动。"))

    registered = c.fig("disputes.registered")
    success = c.rate("mediation_success")
    if registered.value:
        resolved = c.fig("disputes.resolved")
        sources = _series(
            [
                c.counted("disputes.by_source.screening", "现场排查", "件"),
                c.counted("disputes.by_source.hotline_12345", "政务服务便民热线转办", "件"),
                c.counted("disputes.by_source.petition", "信访", "件"),
                c.counted("disputes.by_source.volunteer", "志愿者反映", "件"),
                c.counted("disputes.by_source.other", "其他渠道", "件"),
            ]
        )
        mediators = _series(
            [
                c.counted("disputes.by_mediator.mediation_committee", "人民调解委员会调解", "件"),
                c.counted("disputes.by_mediator.legal_advisor", "法律顾问协助调解", "件"),
                c.counted("disputes.by_mediator.volunteer", "志愿者参与调解", "件"),
                c.counted("disputes.by_mediator.other", "其他方式调解", "件"),
            ]
        )
        paragraphs.append(
            _para(
                "全年排查登记矛盾纠纷",
                registered,
                "件",
                ["（", sources, "）"] if sources else None,
                "，",
                ["调解成功", resolved, "件"] if resolved.value else "尚无调解成功的纠纷",
                "，调解成功率",
                success,
                c.counted("disputes.failed", "；调解未成功", "件"),
                "。",
                ["调解成功的纠纷中，", mediators, "。"] if mediators else None,
            )
        )
    else:
        paragraphs.append(_para("全年未登记矛盾纠纷，调解成功率", success, "。"))

    received = c.fig("hotline.received")
    answer_rate = c.rate("hotline_answer")
    if received.value:
        answered = c.fig("hotline.answered")
        paragraphs.append(
            _para(
                "全年收到政务服务便民热线转办事项",
                received,
                "件，",
                ["已答复", answered, "件"] if answered.value else "尚未答复",
                "，答复率",
                answer_rate,
                c.counted("hotline.resolved", "，其中问题得到解决的", "件"),
                "。",
            )
        )
    else:
        paragraphs.append(_para("全年未收到政务服务便民热线转办事项，答复率", answer_rate, "。"))
    return "普法宣传和矛盾纠纷化解", tuple(paragraphs)


def _leaders_duty(c: _Composer) -> tuple[str, tuple[Paragraph, ...]]:
    meetings = c.counted("meetings.count", "召开党委会议", "次")
    reviewed = c.counted("decisions.reviewed", "重大行政决策提请审查", "项")
    clauses = _series(
        [
            _series(
                [
                    c.counted(
                        "sessions.theory_study.count",
                        "组织党委理论学习中心组专题学法",
                        "场次",
                    ),
                    c.counted("sessions.pre_meeting_law_study.count", "会前学法", "次"),
                ],
                "，",
            ),
            meetings
            and [
                *meetings,
                c.counted("meetings.matters_decided", "，集体讨论决定重大事项", "项"),
            ],
            reviewed
            and [
                *reviewed,
                c.counted("decisions.with_legality_review", "，其中经过合法性审查的", "项"),
            ],
        ],
        "；",
    )
    if not clauses:
        return _LEADERS_HEADING, (
            _para("台账中暂无党委理论学习中心组学法、党委会议和重大行政决策审查的记录。"),
        )
    return _LEADERS_HEADING, (
        _para(
            f"党政主要负责人是推进{c.here}法治建设的第一责任人。依据台账中的学习、会议和决策审查记录，全年",
            clauses,
            "。台账未单独记录主要负责人个人的其他履职事项，本节不作列举。",
        ),
    )


_LEADERS_HEADING = "党政主要负责人履行推进法治建设第一责任人职责情况"


def _narrative(text: Any, key: str) -> tuple[Paragraph, ...]:
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise TypeError(f"narrative[{key!r}] must be text")
    paragraphs = [line.strip() for line in re.split(r"[\r\n]+", text)]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        return (Paragraph((PLACEHOLDER,)),)
    return tuple(Paragraph((p,)) for p in paragraphs)


# --------------------------------------------------------------------------- rendering


def _as_of_label(as_of: str) -> str:
    if not as_of:
        return "未注明"
    try:
        moment = datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    except ValueError:
        return as_of
    if moment.utcoffset() is not None:
        offset = moment.utcoffset()
        zone = "UTC" if not offset else moment.strftime("UTC%z")
        return moment.strftime("%Y-%m-%d %H:%M ") + zone
    return moment.strftime("%Y-%m-%d %H:%M")


def _source_note(report: Report) -> str:
    return f"本报告由法治建设工作台账生成，数据截至 {_as_of_label(report.as_of)}。"


_environment = None


def _jinja():
    global _environment
    if _environment is None:
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        _environment = Environment(
            loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        _environment.tests["figure"] = lambda part: isinstance(part, Figure)
    return _environment


def render_html(report: Report) -> str:
    """The report as a standalone HTML5 page (no external assets)."""
    template = _jinja().get_template("report.html")
    return template.render(report=report, note=_source_note(report))


def render_docx(report: Report) -> bytes:
    """The report as a Word document (A4, 仿宋 body, 黑体/楷体 headings)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    def fonts(element: Any, latin: str, east_asia: str) -> None:
        rpr = element.get_or_add_rPr()
        rfonts = rpr.get_or_add_rFonts()
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(theme), None)
        rfonts.set(qn("w:ascii"), latin)
        rfonts.set(qn("w:hAnsi"), latin)
        rfonts.set(qn("w:cs"), latin)
        rfonts.set(qn("w:eastAsia"), east_asia)

    def layout(paragraph_format: Any, indent: bool = True) -> None:
        paragraph_format.first_line_indent = Pt(32) if indent else Pt(0)
        paragraph_format.space_before = Pt(0)
        paragraph_format.space_after = Pt(0)
        paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph_format.line_spacing = Pt(28)

    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin = Cm(3.7), Cm(3.5)
    page.left_margin, page.right_margin = Cm(2.8), Cm(2.6)

    normal = document.styles["Normal"]
    fonts(normal.element, "Times New Roman", "仿宋")
    normal.font.size = Pt(16)
    layout(normal.paragraph_format)

    for name, east_asia in (("Heading 1", "黑体"), ("Heading 2", "楷体")):
        style = document.styles[name]
        fonts(style.element, "Times New Roman", east_asia)
        style.font.size = Pt(16)
        style.font.bold = False
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        layout(style.paragraph_format)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout(title.paragraph_format, indent=False)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(28)
    run = title.add_run(report.title)
    fonts(run._element, "Times New Roman", "宋体")
    run.font.size = Pt(22)
    run.font.bold = True

    def add_section(section: Section, level: int) -> None:
        document.add_heading(section.heading, level=min(level, 9))
        for paragraph in section.paragraphs:
            out = document.add_paragraph()
            for part in paragraph.parts:
                out.add_run(part if isinstance(part, str) else part.text)
        for subsection in section.subsections:
            add_section(subsection, level + 1)

    for section in report.sections:
        add_section(section, 1)

    footer = page.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout(footer.paragraph_format, indent=False)
    footer.paragraph_format.line_spacing = Pt(14)
    note = footer.add_run(_source_note(report))
    note.font.size = Pt(9)

    properties = document.core_properties
    properties.title = report.title
    properties.subject = "法治政府建设年度报告"
    properties.author = report.township_name
    properties.last_modified_by = report.township_name
    properties.keywords = f"{report.township} {report.year}"
    properties.comments = _source_note(report)
    properties.language = "zh-CN"

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
