"""Any JSON value in any field of a line, on every store (a property, with Hypothesis): the
line is either refused, naming its field, or recorded; and after it, the township's figures,
trace, ranking and report still answer."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.figure_names import COUNT_FIGURES
from services.interchange import ENVELOPE, ImportRejected
from tests.support import OPERATOR, line

EXAMPLES = {
    "session_held": {"kind": "lecture", "title": "宪法", "attendees": 3, "laws": ["宪法"]},
    "meeting_held": {"matters_decided": 2},
    "decision_reviewed": {
        "title": "规划",
        "steps": ["legality_review"],
        "reviewer": "legal_advisor",
        "result": "approved",
    },
    "issue_found": {"category": "安全", "description": "隐患", "deadline": "2024-04-01"},
    "dispute_registered": {"source": "screening", "category": "土地"},
    "hotline_case_received": {},
    "volunteer_pledged": {"post": "mediation"},
    "report_narrative": {"year": 2024, "problems": "一是", "next_steps": "二是"},
}
# Text no store could hold, or that hides or reorders characters; and edges of every limit.
AWKWARD_TEXT = st.sampled_from(
    ["", " ", "\x00", "\ud800", "a\udfffb", "\u202e", "\u200b", "\n", "x" * 129, "法" * 501]
)
AWKWARD_NUMBERS = st.sampled_from([-1, 0, 10**7, 10**7 + 1, 2**63, 2**64, 10**300, 1e308, -0.0])
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | AWKWARD_NUMBERS
    | st.floats(allow_nan=False, allow_infinity=False)  # not JSON (test_cli_errors)
    | st.text(max_size=30)
    | AWKWARD_TEXT
    | st.sampled_from(["2024-03-05", "0001-01-01", "9999-12-31", "2024-02-30", "lecture"])
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = st.sampled_from(
    [
        *ENVELOPE,
        "kind",
        "title",
        "attendees",
        "laws",
        "reached",
        "steps",
        "deadline",
        "year",
        "problems",
        "post",
        "unknown",
    ]
)
_ids = itertools.count()


@pytest.fixture
def county_and_township(towns):
    place = towns.place()
    towns.ledger.rankings.set_indicators(
        OPERATOR,
        county=place.county,
        indicators=[
            {"figure": "rates.mediation_success", "direction": "higher", "weight": 2},
            {"figure": "sessions.lecture.attendees", "direction": "higher", "weight": 1},
        ],
    )
    return place.county, place.township


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(type_=st.sampled_from(sorted(EXAMPLES)), field=FIELDS, value=JSON_VALUES)
def test_any_value_in_any_field_is_refused_by_name_or_recorded(
    towns, county_and_township, type_, field, value
):
    county, township = county_and_township
    given_line = line(township, type_, f"E-{next(_ids)}", "2024-03-05", **EXAMPLES[type_])
    given_line[field] = value
    text = json.dumps(given_line)  # as ASCII: lone surrogates travel as escapes

    try:
        result = towns.ledger.interchange.import_lines(OPERATOR, [text])
    except ImportRejected as rejected:
        (error,) = rejected.errors
        assert error.line == 1
        assert error.field is not None, str(error)
        assert error.field in given_line or error.field == "inspection", str(error)
    else:
        assert result.recorded + result.repeats == 1

    ledger = towns.ledger
    figures = ledger.figures.figures(OPERATOR, township=township, period="2024")
    assert figures["township"] == township
    for figure in ("sessions.lecture.attendees", "disputes.registered"):
        ledger.figures.trace(OPERATOR, township=township, period="2024", figure=figure)
    ranking = ledger.rankings.ranking(OPERATOR, county=county, period="2024")
    assert [row["township"] for row in ranking["townships"]] == [township]
    assert ledger.reports.report(OPERATOR, township=township, year=2024).title
    assert "sessions.lecture.attendees" in COUNT_FIGURES
