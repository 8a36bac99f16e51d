"""The demo generator: seed figures by plain counting, and every line valid per DOMAIN.md."""

import json
import re
from collections import Counter
from datetime import date

import pytest

from sample.lines import (
    DEMO_COUNTY,
    DEMO_TOWNSHIPS,
    bulk_lines,
    demo_lines,
    seed_lines,
    township_lines,
    write_jsonl,
)

# -- the interchange format, written out from DOMAIN.md -----------------------------------

SESSION_KINDS = {
    "theory_study",
    "political_study_day",
    "pre_meeting_law_study",
    "lecture",
    "enforcement_training",
    "publicity",
}
STEPS = {
    "public_participation",
    "expert_consultation",
    "risk_assessment",
    "legality_review",
    "collective_decision",
    "disclosure",
}


def count(value):
    return type(value) is int and value >= 0


def text(value):
    return isinstance(value, str) and value.strip() != ""


def one_of(*values):
    return lambda value: value in values


def iso_date(value):
    return isinstance(value, str) and date.fromisoformat(value).isoformat() == value


# type -> (required fields, optional fields), each field with its check
FIELDS = {
    "session_held": (
        {"kind": one_of(*SESSION_KINDS), "title": text, "attendees": count},
        {
            "laws": lambda v: isinstance(v, list) and all(map(text, v)),
            "reached": count,
            "materials": count,
        },
    ),
    "meeting_held": ({"matters_decided": count}, {}),
    "decision_reviewed": (
        {
            "title": text,
            "steps": lambda v: isinstance(v, list) and set(v) <= STEPS and len(set(v)) == len(v),
            "reviewer": one_of("legal_advisor", "judicial_office", "other"),
            "result": one_of("approved", "approved_with_changes", "rejected"),
        },
        {},
    ),
    "inspection_conducted": ({"area": text}, {}),
    "issue_found": (
        {"category": text, "description": text, "deadline": iso_date},
        {"inspection": text},
    ),
    "issue_rectified": ({}, {}),
    "dispute_registered": (
        {
            "source": one_of("screening", "hotline_12345", "petition", "volunteer", "other"),
            "category": text,
        },
        {},
    ),
    "dispute_mediated": (
        {
            "outcome": one_of("resolved", "failed"),
            "mediator": one_of("mediation_committee", "legal_advisor", "volunteer", "other"),
        },
        {},
    ),
    "hotline_case_received": ({}, {}),
    "hotline_case_answered": ({"resolved": lambda v: type(v) is bool}, {}),
    "advisor_appointed": ({"level": one_of("township", "community")}, {}),
    "liaison_registered": ({}, {}),
    "volunteer_pledged": ({"post": one_of("none", "mediation", "publicity")}, {}),
    "officer_certified": ({}, {}),
    "report_narrative": (
        {"year": lambda v: type(v) is int, "problems": text, "next_steps": text},
        {
            "themes": lambda v: (
                isinstance(v, dict) and set(v) <= THEMES and all(map(text, v.values()))
            )
        },
    ),
}
FOLLOWS = {
    "issue_rectified": "issue_found",
    "dispute_mediated": "dispute_registered",
    "hotline_case_answered": "hotline_case_received",
}
BASE = {"township", "type", "id", "occurred_on"}
THEMES = {
    "study",
    "decisions",
    "workforce",
    "enforcement",
    "publicity_and_disputes",
    "leaders_duty",
}


def check_line(line, year):
    required, optional = FIELDS[line["type"]]
    assert set(line) >= BASE | set(required), line
    assert set(line) <= BASE | set(required) | set(optional), line
    assert text(line["township"]) and text(line["id"]), line
    assert iso_date(line["occurred_on"]) and line["occurred_on"][:4] == str(year), line
    for name, check in (required | optional).items():
        assert name not in line or check(line[name]), (name, line)


def check_lines(lines, year=2024):
    """Each line valid; ids unique per township; follow-ups after their entry, not earlier."""
    created = {}  # (township, id) -> creation line
    last_mediation = {}
    inspections = {}
    for line in lines:
        check_line(line, year)
        key = (line["township"], line["id"])
        if line["type"] in FOLLOWS:
            entry = created[key]
            assert entry["type"] == FOLLOWS[line["type"]], line
            assert line["occurred_on"] >= entry["occurred_on"], line
        else:
            assert key not in created, f"repeated id {key}"
            created[key] = line
        if line["type"] == "inspection_conducted":
            inspections[key] = line
        if line["type"] == "issue_found":
            assert line["deadline"] >= line["occurred_on"], line
            if "inspection" in line:
                inspection = inspections[(line["township"], line["inspection"])]
                assert inspection["occurred_on"] <= line["occurred_on"], line
        if line["type"] == "dispute_mediated":
            assert last_mediation.get(key) != "resolved", f"mediated after resolution: {line}"
            last_mediation[key] = line["outcome"]
    return created


def single_follow_ups(lines, type_):
    ids = Counter(line["id"] for line in lines if line["type"] == type_)
    assert all(n == 1 for n in ids.values()), type_


# -- the seed town ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return seed_lines()


def of(lines, type_, **fields):
    return [x for x in lines if x["type"] == type_ and all(x[k] == v for k, v in fields.items())]


def test_seed_lines_are_valid_and_in_date_order(seed):
    check_lines(seed)
    assert {line["township"] for line in seed} == {"gongliu"}
    assert [line["occurred_on"] for line in seed] == sorted(line["occurred_on"] for line in seed)
    assert not of(seed, "report_submitted")
    single_follow_ups(seed, "issue_rectified")
    single_follow_ups(seed, "hotline_case_answered")


def test_seed_ids_are_readable(seed):
    pattern = re.compile(r"(S|M|DR|IN|IS|D|H|A|L|V|O)-2024-\d{4}|N-2024")
    assert all(pattern.fullmatch(line["id"]) for line in seed)


# The seed's figures themselves are checked once, through the projection and in the report:
# tests/unit/test_seed.py. Here, how the seed lines are shaped.


def test_seed_sessions_study_one_law_each_before_meetings(seed):
    laws = [line["laws"] for line in of(seed, "session_held", kind="pre_meeting_law_study")]
    assert all(len(studied) == 1 for studied in laws)
    assert len({studied[0] for studied in laws}) == len(laws)


def test_seed_decisions_all_have_a_legality_review_among_varied_steps(seed):
    decisions = of(seed, "decision_reviewed")
    assert all("legality_review" in line["steps"] for line in decisions)
    assert len({tuple(line["steps"]) for line in decisions}) > 1


def test_seed_issues_come_from_inspections_and_some_are_late(seed):
    issues = {line["id"]: line for line in of(seed, "issue_found")}
    assert all("inspection" in line for line in issues.values())
    rectified = {line["id"]: line["occurred_on"] for line in of(seed, "issue_rectified")}
    assert any(on > issues[id_]["deadline"] for id_, on in rectified.items())
    open_ = [line for id_, line in issues.items() if id_ not in rectified]
    assert open_ and all(line["deadline"] < "2024-12-31" for line in open_)


def test_seed_disputes_are_all_mediated_some_after_a_failure(seed):
    registered = of(seed, "dispute_registered")
    mediations = {}
    for line in of(seed, "dispute_mediated"):
        mediations.setdefault(line["id"], []).append(line)
    assert set(mediations) == {line["id"] for line in registered}
    resolved = {id_: ms[-1] for id_, ms in mediations.items() if ms[-1]["outcome"] == "resolved"}
    volunteer_source = {line["id"] for line in registered if line["source"] == "volunteer"}
    by_volunteer = {id_ for id_, m in resolved.items() if m["mediator"] == "volunteer"}
    assert by_volunteer and by_volunteer <= volunteer_source
    unresolved = [ms for id_, ms in mediations.items() if id_ not in resolved]
    assert unresolved and all([m["outcome"] for m in ms] == ["failed"] for ms in unresolved)
    retried = [ms for id_, ms in mediations.items() if id_ in resolved and len(ms) > 1]
    assert retried and all([m["outcome"] for m in ms] == ["failed", "resolved"] for ms in retried)


def test_seed_roster_is_in_place_by_april(seed):
    roster = {"advisor_appointed", "liaison_registered", "officer_certified", "volunteer_pledged"}
    assert all(line["occurred_on"] < "2024-04-01" for line in seed if line["type"] in roster)


def test_seed_narrative(seed):
    (narrative,) = of(seed, "report_narrative")
    assert narrative["id"] == "N-2024" and narrative["year"] == 2024
    for part in (narrative["problems"], narrative["next_steps"]):
        assert [point[:2] for point in part.split("\n")] == ["一是", "二是", "三是"]
    assert set(narrative["themes"]) == THEMES  # the head's own paragraph for every theme


def test_narratives_do_not_copy_the_seed_report(seed_report):
    full_width = str.maketrans(",;:()", "，；：（）")  # the seed writes some punctuation narrow
    report = seed_report.translate(full_width)
    narratives = of(seed_lines() + township_lines("x", 2024, 0), "report_narrative")
    parts = [n[key] for n in narratives for key in ("problems", "next_steps")]
    parts += [text for n in narratives for text in n.get("themes", {}).values()]
    for part in (p.translate(full_width) for p in parts):
        runs = {part[i : i + 12] for i in range(len(part) - 11)}
        assert not {run for run in runs if run in report}, part


# -- drawn townships, the demo county, bulk ---------------------------------------------------


def test_generation_is_deterministic():
    assert seed_lines() == seed_lines()
    assert township_lines("mohetai", 2024, 3) == township_lines("mohetai", 2024, 3)
    assert list(bulk_lines(["a"], 200)) == list(bulk_lines(["a"], 200))


def test_township_lines_differ_per_seed_and_township():
    first = township_lines("mohetai", 2024, 1)
    assert first != township_lines("mohetai", 2024, 2)
    assert [x["id"] for x in first] != [x["id"] for x in township_lines("dongmaili", 2024, 1)]


@pytest.mark.parametrize("seed_", [0, 1, 2])
@pytest.mark.parametrize("scale", [0.3, 1.0])
def test_township_lines_are_valid_and_complete(seed_, scale):
    lines = township_lines("kuerdening", 2023, seed_, scale)
    check_lines(lines, year=2023)
    assert {line["type"] for line in lines} == set(FIELDS)
    assert [line["occurred_on"] for line in lines] == sorted(x["occurred_on"] for x in lines)
    registered = len(of(lines, "dispute_registered"))
    expected = 362 * scale
    assert 0.6 * expected <= registered <= 1.4 * expected


def test_demo_county():
    assert DEMO_COUNTY == ("gongliuxian", "巩留县")
    assert DEMO_TOWNSHIPS[0] == ("gongliu", "巩留镇") and len(DEMO_TOWNSHIPS) == 5
    lines = demo_lines()
    check_lines(lines)
    assert {line["township"] for line in lines} == {code for code, _name in DEMO_TOWNSHIPS}
    assert [x for x in lines if x["township"] == "gongliu"] == seed_lines()


def test_bulk_lines_count_and_validity():
    townships = ["t1", "t2", "t3"]
    lines = list(bulk_lines(townships, 2000, seed=7))
    assert Counter(line["township"] for line in lines) == dict.fromkeys(townships, 2000)
    check_lines(lines)
    types = Counter(line["type"] for line in lines)
    follow_ups = sum(types[t] for t in FOLLOWS)
    assert len(types) >= 10 and 0 < follow_ups < len(lines) / 2


def test_write_jsonl(tmp_path):
    path = tmp_path / "demo.jsonl"
    lines = township_lines("agaersen", 2024, 0, 0.3)
    assert write_jsonl(path, lines) == len(lines)
    text_ = path.read_text(encoding="utf-8")
    assert "镇" in text_ or "纠纷" in text_  # not \\u-escaped
    assert [json.loads(row) for row in text_.splitlines()] == lines
