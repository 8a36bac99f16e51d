"""The township's own words (``report_narrative``): the head's paragraph per theme of 一、
(``themes``, optional), its checks, the latest narrative winning, and narratives written before
``themes`` existed still replaying. On the in-memory store."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from domain.errors import InvalidField
from domain.report import REPORT_THEMES, ReportNarrative
from infra.settings import event_store_env
from projections.report import THEMES
from services import open_services
from tests.support import OPERATOR, Tenants

WORDS = {"problems": "一是力量不足。", "next_steps": "一是充实力量。"}


@pytest.fixture
def ledger():
    opened = open_services(event_store_env("memory:"))
    yield opened
    opened.close()


@pytest.fixture
def town(ledger):
    return Tenants(ledger).township()


def write(ledger, town, entry_id="N-1", **fields):
    return ledger.entries.record(
        OPERATOR,
        township=town,
        type="report_narrative",
        entry_id=entry_id,
        occurred_on="2025-01-05",
        fields={"year": 2024, **WORDS, **fields},
    )


def themes_of(ledger, town):
    report = ledger.reports.report(OPERATOR, township=town, year=2024)
    work = [s for s in report.sections if s.heading.endswith("工作开展情况")]
    return {t.code: [p.text() for p in t.paragraphs] for s in work for t in s.subsections}


def test_the_domain_and_the_report_know_the_same_themes():
    assert tuple(THEMES) == REPORT_THEMES


def test_the_heads_paragraphs_appear_in_their_themes(ledger, town):
    write(
        ledger, town, themes={"study": "书记带头讲法治课。", "leaders_duty": "主要负责人带头学法。"}
    )

    found = themes_of(ledger, town)

    assert found == {
        "study": ["书记带头讲法治课。"],
        "leaders_duty": ["主要负责人带头学法。"],
    }


def test_the_latest_narrative_wins_with_its_themes_or_without(ledger, town):
    write(ledger, town, "N-1", themes={"study": "第一稿。"})
    write(ledger, town, "N-2", themes={"enforcement": "第二稿。"})
    assert themes_of(ledger, town) == {"enforcement": ["第二稿。"]}
    write(ledger, town, "N-3")
    assert themes_of(ledger, town) == {}


@pytest.mark.parametrize(
    "themes, field, message",
    [
        ("书记带头讲课。", "themes", "must be an object"),
        (["study"], "themes", "must be an object"),
        ({"speeches": "讲话。"}, "themes", "no theme 'speeches'; the themes are study, "),
        ({"study": "  "}, "themes.study", "must be non-empty text"),
        ({"study": 3}, "themes.study", "must be non-empty text"),
    ],
)
def test_bad_themes_are_refused_naming_the_field_and_nothing_is_recorded(
    ledger, town, themes, field, message
):
    with pytest.raises(InvalidField) as refused:
        write(ledger, town, themes=themes)
    assert refused.value.field == field and message in str(refused.value)
    assert list(ledger.interchange.export(OPERATOR, township=town)) == []


def test_themes_go_through_export_and_import_unchanged(ledger, town):
    write(ledger, town, themes={"decisions": "完善决策目录。"})
    (line,) = ledger.interchange.export(OPERATOR, township=town)
    assert line["themes"] == {"decisions": "完善决策目录。"}

    other = Tenants(ledger).township()
    ledger.interchange.import_lines(OPERATOR, [_json({**line, "township": other})])
    assert themes_of(ledger, other) == {"decisions": ["完善决策目录。"]}
    again = ledger.interchange.import_lines(OPERATOR, [_json({**line, "township": other})])
    assert (again.recorded, again.repeats) == (0, 1)


def test_a_narrative_written_before_themes_existed_still_replays(ledger, town):
    """A first-version event, stored as it was then (no ``themes``, no class version)."""
    app = ledger.app
    written = ReportNarrative.record(
        township=town,
        entry_id="N-OLD",
        occurred_on=date(2025, 1, 5),
        actor="head",
        fields={"year": 2024, **WORDS},
    )
    (event,) = written.collect_events()
    stored = app.mapper.to_stored_event(event)
    state = app.mapper.transcoder.decode(stored.state)
    del state["themes"], state["class_version"]
    app.recorder.insert_events(
        [dataclasses.replace(stored, state=app.mapper.transcoder.encode(state))]
    )

    assert app.repository.get(written.id).entry_id == "N-OLD"
    report = ledger.reports.report(OPERATOR, township=town, year=2024)
    assert [p.text() for p in report.sections[0].paragraphs] == ["一是力量不足。"]
    (line,) = ledger.interchange.export(OPERATOR, township=town)
    assert "themes" not in line and line["problems"] == "一是力量不足。"


def _json(line):
    return json.dumps(line, ensure_ascii=False)
