"""What a township head checks before signing the annual report, as a test can: the report's
text read against its own figures document, without the code that wrote it.

``contradictions(text, figures)`` lists the sentences that say more than the figures do:
- a claim about every major decision (均, 全部, 所有, 每项, 一律, 都 …) and a procedure step,
  made when not every decision went through that step (均未 …: when some did);
- a count of decisions, or of decisions through a step, other than the figure;
- a rate further than 0.1% from its numerator over its denominator, a rate whose
  denominator is 0, or 100% / 0% said of a rate that is not all / none;
- "strictly followed" when a required step was skipped; "the rest are within their deadline"
  when some are overdue; "no problem found" when some were.
``software_words(text)`` lists the words of software a report must not use.
``visible_text(html)``, ``docx_text(data)`` read a rendered report back as people see it."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import docx

# Words that name a procedure step of a major decision, as people write them.
STEP_WORDS = {
    "public_participation": ("公众参与", "听取公众意见", "听取意见", "征求意见"),
    "expert_consultation": ("专家论证", "专家咨询"),
    "risk_assessment": ("风险评估",),
    "legality_review": ("合法性审查", "合法合规性审查"),
    "collective_decision": ("集体讨论", "集体决定"),
    "disclosure": ("公开",),
}
EVERY = ("均", "全部", "所有", "每项", "每一项", "每个", "一律", "全都", "都", "无一例外")
NONE = ("均未", "都未", "全部未", "均没有", "都没有", "没有一项")
# The rates as the report names them (DOMAIN.md's five), and their figures.
RATE_NAMES = {
    "合法性审查覆盖率": ("decisions.with_legality_review", "decisions.reviewed"),
    "按期整改率": ("issues.rectified_on_time", "issues.found"),
    "整改率": ("issues.rectified", "issues.found"),
    "调解成功率": ("disputes.resolved", "disputes.registered"),
    "答复率": ("hotline.answered", "hotline.received"),
}
SOFTWARE = (
    "township-ledger",
    "ledger",
    "trace",
    "event",
    "JSON",
    "json",
    "command",
    "system",
    "database",
    "UTC",
    "--",
    "命令",
    "指令",
    "系统",
    "软件",
    "数据库",
    "事件",
    "代码",
    "指标代码",
    "程序生成",
    "导出",
    "接口",
)
# A name of the code: disputes.registered, hotline_12345
CODE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:[._][a-z0-9]+)+(?![A-Za-z0-9_])")


def get(figures: dict[str, Any], path: str) -> int:
    node: Any = figures
    for key in path.split("."):
        node = node[key]
    return node


def contradictions(text: str, figures: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for clause in re.split(r"[。；;\n]", text):
        if clause.strip():
            found.extend(_step_claims(clause, figures))
            found.extend(_counts(clause, figures))
            found.extend(_rates(clause, figures))
            found.extend(_plain_claims(clause, figures))
    return found


def _step_claims(clause: str, figures: dict[str, Any]) -> list[str]:
    """A clause about decisions that says every (or no) decision went through a step."""
    if "决策" not in clause:
        return []
    reviewed = get(figures, "decisions.reviewed")
    said: list[str] = []
    universal = False
    negated = False
    for segment in re.split(r"[，,]", clause):
        if any(word in segment for word in NONE):
            universal, negated = True, True
        elif any(word in segment for word in EVERY):
            universal, negated = True, False
        if not universal or re.search(r"的\d+项", segment):
            continue  # a segment that counts is checked as a count
        for step, words in STEP_WORDS.items():
            if any(word in segment for word in words):
                went = get(figures, f"decisions.by_step.{step}")
                if (went != 0) if negated else (went != reviewed or reviewed == 0):
                    said.append(f"{clause}: {step} {went} of {reviewed}")
    return said


def _counts(clause: str, figures: dict[str, Any]) -> list[str]:
    said: list[str] = []
    reviewed = get(figures, "decisions.reviewed")
    for n in re.findall(r"(\d+)项重大行政决策", clause):
        if int(n) != reviewed:
            said.append(f"{clause}: {n} decisions, the figures {reviewed}")
    for step, words in STEP_WORDS.items():
        for word in words:
            for n in re.findall(rf"{word}[^，,0-9]{{0,3}}的(\d+)项", clause):
                went = get(figures, f"decisions.by_step.{step}")
                if int(n) != went:
                    said.append(f"{clause}: {step} {n}, the figures {went}")
    return said


def _rates(clause: str, figures: dict[str, Any]) -> list[str]:
    """Each rate as written beside its numerator over its denominator."""
    said: list[str] = []
    names = "|".join(RATE_NAMES)  # 按期整改率 before 整改率: the longer name is matched first
    for found in re.finditer(rf"({names})(?:达|为)?(不足)?(\d+(?:\.\d+)?)%", clause):
        name, under, value = found.group(1), bool(found.group(2)), Decimal(found.group(3))
        numerator, denominator = (get(figures, path) for path in RATE_NAMES[name])
        if denominator == 0:
            said.append(f"{clause}: {name} without data written {found.group()}")
            continue
        exact = Decimal(100 * numerator) / Decimal(denominator)
        if under:
            right = 0 < exact < value
        elif value == 100 or value == 0:
            right = exact == value
        else:
            right = abs(exact - value) < Decimal("0.1")
        if not right:
            said.append(f"{clause}: {found.group()} of {numerator}/{denominator}")
    return said


def _plain_claims(clause: str, figures: dict[str, Any]) -> list[str]:
    said: list[str] = []
    reviewed = get(figures, "decisions.reviewed")
    strict = all(
        get(figures, f"decisions.by_step.{s}") == reviewed
        for s in ("legality_review", "collective_decision")
    )
    if "严格履行重大行政决策法定程序" in clause and not strict:
        said.append(f"{clause}: not every decision went through the required steps")
    if "其余问题正在整改期限内" in clause and get(figures, "issues.overdue"):
        said.append(f"{clause}: {get(figures, 'issues.overdue')} overdue")
    if "未发现需要整改的问题" in clause and get(figures, "issues.found"):
        said.append(f"{clause}: {get(figures, 'issues.found')} found")
    return said


def software_words(text: str) -> list[str]:
    words = [word for word in SOFTWARE if word in text]
    return words + CODE.findall(text)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self._hidden += 1
        if tag in ("p", "h1", "h2", "h3", "tr", "section"):
            self.parts.append("\n")
        if tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a browser shows of an HTML report, a line per paragraph, heading or row."""
    parser = _Visible()
    parser.feed(html)
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def docx_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraphs of a Word document, in order (its table apart)."""
    document = docx.Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs if p.text.strip()]


def docx_text(data: bytes) -> str:
    """Everything a reader of a Word document sees: paragraphs, table cells, header and
    footer, and the document's properties."""
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    section = document.sections[0]
    edges = [p.text for part in (section.header, section.footer) for p in part.paragraphs]
    props = document.core_properties
    about = [props.title, props.subject, props.author, props.keywords, props.comments,
             props.last_modified_by, props.category]  # fmt: skip
    return "\n".join([*docx_paragraphs(data), *cells, *edges, *(p or "" for p in about)])
