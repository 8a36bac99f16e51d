"""What the ledger accepts, on every store (domain/values.py; docs/interchange.md "Limits"):
counts, text, ids, codes and dates a store could not hold or no township could mean are
refused naming their field, and nothing one entry holds can break figures, rankings or
reports for anyone."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from domain.entry import entry_uuid
from domain.errors import InvalidField, LedgerError, RuleBroken
from domain.session import Session
from domain.values import MAX_COUNT, today
from services.interchange import ImportRejected
from tests.support import OPERATOR, before_safe_ids, dispute, line, unique

SESSION = {"kind": "lecture", "title": "宪法宣传", "attendees": 40}


def session(township: str, entry_id: str = "S-1", **fields) -> dict:
    return line(township, "session_held", entry_id, "2024-03-05", **{**SESSION, **fields})


def refused(towns, *lines: dict) -> list[tuple[int, str | None]]:
    with pytest.raises(ImportRejected) as rejected:
        towns.import_lines(lines)
    return [(e.line, e.field) for e in rejected.value.errors]


def everything_answers(ledger, county: str, township: str) -> dict:
    """Figures, a trace, the ranking and the report of the township's 2024."""
    ledger.rankings.set_indicators(
        OPERATOR,
        county=county,
        indicators=[{"figure": "sessions.lecture.attendees", "direction": "higher", "weight": 1}],
    )
    figures = ledger.figures.figures(OPERATOR, township=township, period="2024")
    ledger.figures.trace(
        OPERATOR, township=township, period="2024", figure="sessions.lecture.count"
    )
    ranking = ledger.rankings.ranking(OPERATOR, county=county, period="2024")
    assert ledger.reports.report(OPERATOR, township=township, year=2024).title
    assert [row["township"] for row in ranking["townships"]]
    return figures


@pytest.mark.parametrize("attendees", [10**30, MAX_COUNT + 1, 2**63, -1, 1.5, "40", True, 10**4000])
def test_a_count_no_township_reaches_is_refused_and_breaks_nothing(towns, attendees):
    place = towns.place()

    assert refused(towns, session(place.township, attendees=attendees)) == [(1, "attendees")]

    towns.import_lines([session(place.township, f"S-{n}", attendees=MAX_COUNT) for n in range(3)])
    figures = everything_answers(towns.ledger, place.county, place.township)
    assert figures["sessions"]["lecture"]["attendees"] == 3 * MAX_COUNT


BAD_IDS = {
    "nul": "S\x00-1",
    "lone surrogate": "S-\ud800",
    "right-to-left override": "S-\u202e1",
    "zero width space": "S-\u200b1",
    "newline": "S-\n1",
    "tab": "S-\t1",
    "leading space": " S-1",
    "trailing space": "S-1 ",
    "ideographic space": "S-\u30001",
    "line separator": "S-\u20281",
    "too long": "S" * 129,
    "empty": "",
    "a number": 7,
}


@pytest.mark.parametrize("entry_id", BAD_IDS.values(), ids=BAD_IDS.keys())
def test_an_id_a_store_could_not_hold_or_that_hides_characters_is_refused(towns, entry_id):
    township = towns.township()
    assert refused(towns, session(township, entry_id)) == [(1, "id")]
    with pytest.raises(InvalidField) as error:
        towns.record(township, "session_held", entry_id, "2024-03-05", **SESSION)
    assert error.value.field == "id"
    assert list(towns.ledger.interchange.export(OPERATOR, township=township)) == []


SAFE_IDS = ("纠纷-2024-001", "S_1.a", "ئۇيغۇر-1", "Ünal-7", "2024")


def test_ids_of_letters_of_any_script_and_digits_are_kept_as_given(towns):
    township = towns.township()
    towns.import_lines([session(township, entry_id) for entry_id in SAFE_IDS])
    exported = towns.ledger.interchange.export(OPERATOR, township=township)
    assert [e["id"] for e in exported] == list(SAFE_IDS)


UNSAFE_IDS = {
    "a path": ("../../../x", "id.unsafe_character"),
    "a slash": ("讲座2024/第1期", "id.unsafe_character"),
    "an inner space": ("讲座 2024", "id.unsafe_character"),
    "a leading dot": (".S-1", "id.unsafe_character"),
    "a leading dash": ("-S-1", "id.unsafe_character"),
    "two dots": ("S..1", "id.double_dot"),
    "a percent sign": ("S%2F1", "id.unsafe_character"),
    "a question mark": ("S?1", "id.unsafe_character"),
    "a hash": ("S#1", "id.unsafe_character"),
    "a backslash": ("S\\1", "id.unsafe_character"),
    "Chinese punctuation": ("纠纷（2024）", "id.unsafe_character"),
    "a hyphen not '-'": ("S‐1", "id.unsafe_character"),
    "full-width digits": ("纠纷-２０２４", "id.not_normal"),
}


@pytest.mark.parametrize("entry_id, code", UNSAFE_IDS.values(), ids=UNSAFE_IDS.keys())
def test_a_new_id_outside_the_safe_set_is_refused_naming_what(towns, entry_id, code):
    township = towns.township()
    assert refused(towns, session(township, entry_id)) == [(1, "id")]
    with pytest.raises(InvalidField) as error:
        towns.record(township, "session_held", entry_id, "2024-03-05", **SESSION)
    assert (error.value.field, error.value.code) == ("id", code)
    assert list(towns.ledger.interchange.export(OPERATOR, township=township)) == []


def test_an_entry_whose_id_came_before_the_safe_set_keeps_working(towns):
    """Recorded before the rule, an entry keeps its id: its line again is a repeat, and it is
    followed up and retracted as any entry is (the ledger is append-only)."""
    township, old = towns.township(), "../../../x"
    registered = line(township, "dispute_registered", old, "2024-03-05", source="petition",
                      category="土地")  # fmt: skip
    with before_safe_ids():
        towns.import_lines([registered])
    assert towns.import_lines([registered]).repeats == 1  # the same file again: a repeat
    again = towns.record(township, "dispute_registered", old, "2024-03-05", source="petition",
                         category="土地")  # fmt: skip
    assert again.status == "repeat"  # and the same line as a command
    mediated = line(township, "dispute_mediated", old, "2024-03-06", outcome="failed",
                    mediator="volunteer")  # fmt: skip
    retracted = line(township, "entry_retracted", old, "2024-03-07", reason="登记错了")
    assert towns.import_lines([mediated, retracted]).recorded == 2
    exported = towns.ledger.interchange.export(OPERATOR, township=township)
    assert [(e["type"], e["id"]) for e in exported] == [
        ("dispute_registered", old),
        ("dispute_mediated", old),
        ("entry_retracted", old),
    ]
    history = towns.ledger.entries.entry(OPERATOR, township=township, entry_id=old)
    assert history.retracted


BAD_TEXT = {
    "nul": "宪法\x00宣传",
    "lone surrogate": "宪法\udfff",
    "bell": "宪法\x07",
    "newline in short text": "宪法\n宣传",
    "right-to-left override": "\u202e法宪",
    "only spaces": "   ",
    "too long": "法" * 501,
    "a list": ["宪法"],
}


@pytest.mark.parametrize("title", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_text_a_store_could_not_hold_or_that_reorders_itself_is_refused(towns, title):
    township = towns.township()
    assert refused(towns, session(township, title=title)) == [(1, "title")]


def test_long_text_keeps_its_lines_and_tabs(towns):
    township = towns.township()
    narrative = {"year": 2024, "problems": "一是……\n二是……\t（略）", "next_steps": "继续。\r\n"}
    towns.import_lines([line(township, "report_narrative", "N-1", "2024-12-20", **narrative)])
    (exported,) = towns.ledger.interchange.export(OPERATOR, township=township)
    assert exported["problems"] == narrative["problems"]


@pytest.mark.parametrize(
    ("occurred_on", "field"),
    [("0001-01-01", "occurred_on"), ("9999-12-31", "occurred_on"), ("1949-09-30", "occurred_on")],
)
def test_a_business_date_outside_the_plausible_range_is_refused(towns, occurred_on, field):
    township = towns.township()
    bad = {**session(township), "occurred_on": occurred_on}
    assert refused(towns, bad) == [(1, field)]


def test_a_business_date_runs_from_1949_10_01_to_today(towns):
    """Today is the installation's: a thing that has not happened yet is not recorded (a
    deadline, future by nature, may lie up to five years ahead)."""
    township = towns.township()
    towns.import_lines(
        [
            {**session(township, "S-1"), "occurred_on": "1949-10-01"},
            {**session(township, "S-2"), "occurred_on": today().isoformat()},
        ]
    )
    tomorrow = (today() + timedelta(days=1)).isoformat()
    bad = {**session(township, "S-3"), "occurred_on": tomorrow}
    assert refused(towns, bad) == [(1, "occurred_on")]
    with pytest.raises(InvalidField, match="must not be after today") as said:
        towns.record(township, "session_held", "S-3", tomorrow, **SESSION)
    assert said.value.field == "occurred_on"
    issue = {"category": "安全", "description": "隐患"}
    ahead = (today() + timedelta(days=4 * 365)).isoformat()
    towns.import_lines(
        [line(township, "issue_found", "P-1", "2024-03-01", deadline=ahead, **issue)]
    )
    assert refused(
        towns, line(township, "issue_found", "P-2", "2024-03-01", deadline="2099-01-01", **issue)
    ) == [(1, "deadline")]


def test_a_retraction_may_be_dated_before_its_entry_and_a_follow_up_may_not(towns):
    township = towns.township()
    towns.import_lines(dispute(township, "D-1", "2024-03-05", resolved=None))
    mediation = {"outcome": "failed", "mediator": "volunteer"}
    early = line(township, "dispute_mediated", "D-1", "2024-03-04", **mediation)
    assert refused(towns, early) == [(1, "occurred_on")]
    with pytest.raises(RuleBroken, match="before the entry"):
        towns.record(township, "dispute_mediated", "D-1", "2024-03-04", **mediation)
    towns.record(township, "entry_retracted", "D-1", "2024-03-04", reason="日期填错")


def test_a_key_given_twice_in_one_line_is_refused_naming_it(towns):
    township = towns.township()
    good = json.dumps(session(township), ensure_ascii=False)
    twice = good[:-1] + ', "attendees": 41}'
    with pytest.raises(ImportRejected) as rejected:
        towns.ledger.interchange.import_lines(OPERATOR, [good, twice.replace("S-1", "S-2")])
    (error,) = rejected.value.errors
    assert (error.line, error.message) == (2, 'gives the key "attendees" twice')


@pytest.mark.parametrize("given", [{"reached": 0}, {"materials": 0}, {"laws": []}, {"laws": None}])
def test_an_optional_field_given_with_its_empty_value_is_a_repeat(towns, given):
    township = towns.township()
    towns.import_lines([session(township)])
    again = towns.import_lines([session(township, **given)])
    assert (again.recorded, again.repeats) == (0, 1)
    with_it = towns.township()
    towns.import_lines([session(with_it, **given)])
    assert towns.import_lines([session(with_it)]).repeats == 1


@pytest.mark.parametrize("code", ["Gongliu", "GONGLIU", "gong liu", "gongliu\u200b", "巩留"])
def test_codes_are_lowercase_so_that_two_never_differ_only_in_case(ledger, code):
    county = unique("county")
    ledger.tenancy.add_county(OPERATOR, code=county, name="县")
    with pytest.raises(InvalidField) as error:
        ledger.tenancy.add_township(OPERATOR, county=county, code=code, name="镇")
    assert error.value.field == "code"
    with pytest.raises(InvalidField):
        ledger.tenancy.add_county(OPERATOR, code=code, name="县")
    with pytest.raises(InvalidField):
        ledger.tenancy.add_user(OPERATOR, username=code, password="long enough", role="admin")


@pytest.mark.parametrize("township", ["town\x00", "town\ud800", "T" * 65, 7, None])
def test_a_township_no_store_could_name_is_not_found_or_refused(towns, township):
    bad = session("placeholder")
    bad["township"] = township
    assert refused(towns, bad) == [(1, "township")]
    with pytest.raises(LedgerError):
        towns.ledger.figures.figures(OPERATOR, township=township, period="2024")


def test_an_entry_recorded_before_these_limits_breaks_nothing(towns):
    """A ledger recorded before the limits may hold a count beyond 64 bits, or a NUL in an id
    or a text (a lone surrogate never reached a store): figures, traces, the ranking and the
    report still answer for everyone (the read model writes every value as its store holds
    it)."""
    place = towns.place()
    neighbour = towns.township(place.county)
    towns.import_lines([session(neighbour)])
    app = towns.ledger.app
    old = [
        Session._create(
            Session.Held,
            id=entry_uuid(place.township, entry_id),
            township=place.township,
            entry_id=entry_id,
            occurred_on=date(2024, 3, 5),
            actor="operator",
            kind="lecture",
            title="旧\x00",
            attendees=attendees,
            laws=None,
            reached=None,
            materials=None,
        )
        for entry_id, attendees in (("S\x00-1", 2**70), ("S-2", 2**70), ("S-3", 5))
    ]
    app.recorder.insert_events(
        [app.mapper.to_stored_event(e) for entry in old for e in entry.collect_events()]
    )

    figures = everything_answers(towns.ledger, place.county, place.township)

    assert figures["sessions"]["lecture"]["attendees"] == 2**71 + 5
    assert (
        everything_answers(towns.ledger, place.county, neighbour)["sessions"]["lecture"][
            "attendees"
        ]
        == SESSION["attendees"]
    )
