"""The annex 数据来源 says where the township's own pages show the entries behind each figure,
in the words those pages use, and never a command or a name of the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.figure_names import COUNT_FIGURES
from projections.report import places
from projections.report.places import PLACES, where
from tests.report_claims import software_words
from tests.unit.test_report import build, entry_ids
from web import labels

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.fixture(scope="module")
def report():
    return build(ids=entry_ids)


def test_every_figure_of_the_report_has_a_place_in_the_pages():
    assert set(PLACES) == set(COUNT_FIGURES)


def test_the_annex_names_where_the_entries_are_seen_never_a_command(report):
    rows = {source.label: source for source in report.annex.sources}
    assert rows["排查登记矛盾纠纷数"].where == ("见“台账”页，类型：排查矛盾纠纷，2024年")
    assert rows["调解成功矛盾纠纷数"].where.endswith("状态：已办结")
    assert rows["矛盾纠纷调解成功率"].where == (
        "见“台账”页，类型：排查矛盾纠纷，2024年，共80条；其中状态为“已办结”的73条"
    )
    assert rows["“法律明白人”人数"].where == "见“台账”页，类型：法律明白人，截至2024年12月31日"
    assert rows["重大行政决策中进行风险评估的数量"].where.endswith("经过的程序：含风险评估")
    text = report.text()
    annex = text[text.index("附件：数据来源") :]
    assert software_words(annex) == []
    assert "记录编号：J-0000、J-0001、J-0002、J-0003、J-0004" in annex  # 5 officers: few
    assert not re.search(r"J-00(1[1-9]|[2-9]\d)", annex)  # more than ten: the list finds them


def test_a_roster_figure_counts_everyone_appointed_by_the_years_end():
    assert where("roster.officers", 2023) == "见“台账”页，类型：执法证，截至2023年12月31日"


def test_the_annex_uses_the_words_of_the_pages():
    """The type names, states, fields and values a reader is told to look for are those the
    list and an entry's page show (web/labels.py and the list's template)."""
    for type_, name in places.TYPES.items():
        assert str(labels.TYPES[type_]) == name, type_
    for table in (
        places.KINDS,
        places.STEPS,
        places.REVIEWER_NAMES,
        places.RESULT_NAMES,
        places.SOURCE_NAMES,
        places.MEDIATOR_NAMES,
    ):
        for value, name in table.items():
            assert str(labels.VALUES[value]) == name, value
    fields = {str(label) for label in labels.FIELDS.values()}
    for _, conditions in PLACES.values():
        for condition in conditions:
            field, _, value = condition.partition("：")
            assert field in fields | {"状态", "在整改期限内整改", "已逾期"}, condition
    assert str(labels.VALUES["township"]) == "乡镇级"
    assert str(labels.VALUES["community"]) == "村（社区）级"
    assert str(labels.VALUES["mediation"]) + "或" + str(labels.VALUES["publicity"]) in str(
        PLACES["roster.volunteer_posts"]
    )
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    listing = (TEMPLATES / "township" / "entries.html").read_text(encoding="utf-8")
    assert f'url_for(\'township.entries\') }}}}">{{{{ _("{places.PAGE}") }}}}' in base
    for word in (places.OPEN, places.CLOSED, "已逾期", "类型", "起始日期", "截止日期", "状态"):
        assert f'_("{word}")' in listing, word
