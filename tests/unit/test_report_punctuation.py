"""The township's own paragraphs with Chinese punctuation: examples as heads type them, and
properties (Hypothesis): idempotent; nothing changes in text without a Chinese character;
numbers, Latin words and addresses are kept; only the marks change."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from projections.report.punctuation import chinese_punctuation
from tests.unit.test_report import NARRATIVE, build


@pytest.mark.parametrize(
    "typed, written",
    [
        (
            "法治工作力量相对薄弱,具备法律专业背景的干部偏少,综合执法人员的业务能力仍需提高.",
            "法治工作力量相对薄弱，具备法律专业背景的干部偏少，综合执法人员的业务能力仍需提高。",
        ),
        (
            "村(社区)法律顾问和法律明白人的作用发挥不均衡",
            "村（社区）法律顾问和法律明白人的作用发挥不均衡",
        ),
        ("一是加强学习;二是压实责任.", "一是加强学习；二是压实责任。"),
        ("工作目标:全覆盖", "工作目标：全覆盖"),
        ("干部偏少, 业务能力 , 仍需提高", "干部偏少，业务能力，仍需提高"),
        ("调解成功率达91%,收到12345转办332件.", "调解成功率达91%，收到12345转办332件。"),
        ("共1,000人,增长3.5%,时间10:30.", "共1,000人，增长3.5%，时间10:30。"),
        ("(1)完善制度", "（1）完善制度"),
        ("1.完善制度", "1.完善制度"),
        ("借助短视频,微信群等新媒体......", "借助短视频，微信群等新媒体……"),
        ("推行“7410”工作法,成效明显.", "推行“7410”工作法，成效明显。"),
        ("网址见https://www.gov.cn/a,b.请查看", "网址见https://www.gov.cn/a,b。请查看"),
        ("邮箱:fzb@gongliu.gov.cn", "邮箱：fzb@gongliu.gov.cn"),
        ("使用Word(docx)格式", "使用Word（docx）格式"),
        ("Word(docx)", "Word(docx)"),
        ("e.g. 以案释法", "e.g. 以案释法"),
        ("Hello, world (again): yes; no.", "Hello, world (again): yes; no."),
        ("已经是中文标点，无需改动。", "已经是中文标点，无需改动。"),
    ],
)
def test_the_marks_of_chinese_sentences_are_written_in_chinese(typed, written):
    assert chinese_punctuation(typed) == written


def test_the_heads_paragraphs_in_the_report_have_chinese_punctuation():
    narrative = {
        **NARRATIVE,
        "problems": "一是专业力量不足,执法水平有待提高.\n二是宣传形式单一(以展板为主).",
        "themes": {"study": "每月一次以案释法,全年12次;干部参学率达95.5%."},
    }
    report = build(narrative=narrative)
    texts = [p.text() for s in report.sections for p in s.paragraphs]
    assert texts[:2] == ["一是专业力量不足，执法水平有待提高。", "二是宣传形式单一（以展板为主）。"]
    (study,) = [t for t in report.sections[0].subsections if t.code == "study"]
    assert study.paragraphs[-1].text() == "每月一次以案释法，全年12次；干部参学率达95.5%。"


# -- properties --------------------------------------------------------------------------------

HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
TEXT = st.lists(
    st.one_of(
        HAN,
        st.sampled_from(list(",.:;()%/ \t0123456789abcXYZ@-“”《》，。")),
        st.sampled_from(["https://a.cn/x,y", "www.gov.cn", "3.5", "1,000", "10:30", "..."]),
    ),
    max_size=30,
).map("".join)
# Han characters by their name, and by the blocks reserved for them (Extension blocks newer than
# this Python's Unicode tables have no name: U+2EBE1 is one).
HAN_BLOCKS = ((0x3400, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF))
NO_HAN = st.text(
    st.characters(codec="utf-8").filter(
        lambda c: (
            not unicodedata.name(c, "").startswith(("CJK", "IDEOGRAPHIC NUMBER"))
            and not any(low <= ord(c) <= high for low, high in HAN_BLOCKS)
        )
    )
)
MARKS = {"，": ",", "。": ".", "：": ":", "；": ";", "（": "(", "）": ")"}


def _without_marks_and_blanks(text: str) -> str:
    text = text.replace("……", "...")
    for full, ascii_mark in MARKS.items():
        text = text.replace(full, ascii_mark)
    text = re.sub(r"[ \t\u3000]", "", text)
    return re.sub(r"\.{3,}", "...", text)  # after the marks and blanks: "... ..." is one


@settings(max_examples=400)
@given(TEXT)
@example("a,.中")
@example("((a)中")
@example("中 ,, 文")
def test_it_is_idempotent(text):
    once = chinese_punctuation(text)
    assert chinese_punctuation(once) == once


@settings(max_examples=300)
@given(NO_HAN)
@example("Hello, world (again): 3.5; 1,000.")
def test_text_without_chinese_characters_is_never_changed(text):
    assert chinese_punctuation(text) == text


@settings(max_examples=400)
@given(TEXT)
def test_only_marks_and_the_spaces_beside_them_change(text):
    assert _without_marks_and_blanks(chinese_punctuation(text)) == _without_marks_and_blanks(text)


@settings(max_examples=400)
@given(TEXT)
def test_numbers_and_addresses_are_kept(text):
    written = chinese_punctuation(text)
    for kept in re.findall(r"\d[.,:]\d|https://a\.cn/x,y|www\.gov\.cn", text):
        assert kept in written


# Chinese words that never touch a mark: each held between Latin letters (x中文x).
APART = st.lists(
    st.one_of(
        st.text(HAN, min_size=1, max_size=4).map(lambda word: f"x{word}x"),
        st.sampled_from(list(",.:;()% 0123456789ab")),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=400)
@given(APART)
@example("x中x, (x文x).")
def test_a_mark_with_no_chinese_beside_it_is_never_changed(text):
    assert chinese_punctuation(text) == text
