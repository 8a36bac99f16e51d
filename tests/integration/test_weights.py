"""Indicator weights: a number greater than 0 and at most 1000, refused otherwise naming
``indicators[N].weight``; and no NaN or infinity in any document, even from a history that
stored weights before that rule (the ledger is append-only: such an event stays, and is
replayed). Every document is written with ``json.dumps(..., allow_nan=False)``."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from domain.errors import InvalidField
from domain.tenancy import county_uuid
from services import Services
from tests.integration.conftest import Towns, moment
from tests.support import OPERATOR, dispute

RECTIFICATION, MEDIATION = "rates.rectification", "rates.mediation_success"


def indicators(*weights) -> list[dict]:
    figures = (RECTIFICATION, MEDIATION)
    return [
        {"figure": f, "direction": "higher", "weight": w}
        for f, w in zip(figures, weights, strict=True)
    ]


def strict(document) -> dict:
    """The document as JSON without NaN or infinity (ValueError otherwise), read back."""
    return json.loads(json.dumps(document, allow_nan=False, ensure_ascii=False))


def issue(town: str, entry_id: str, rectified: bool) -> list[dict]:
    found = {
        "township": town,
        "type": "issue_found",
        "id": entry_id,
        "occurred_on": "2024-03-01",
        "category": "消防",
        "description": "通道堵塞",
        "deadline": "2024-04-01",
    }
    done = {**found, "type": "issue_rectified", "occurred_on": "2024-03-10"}
    for key in ("category", "description", "deadline"):
        done.pop(key)
    return [found, done] if rectified else [found]


def a_year(towns: Towns) -> tuple[str, str, str]:
    """a: rectified 1 of 2 issues, resolved 1 of 1 dispute; b: 2 of 2 issues, 0 of 1."""
    county, (a, b) = towns.townships(2)
    towns.import_lines(
        [
            *issue(a, "I-1", True),
            *issue(a, "I-2", False),
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *issue(b, "I-1", True),
            *issue(b, "I-2", True),
            *dispute(b, "D-1", "2024-02-01", resolved=False),
        ]
    )
    return county, a, b


@pytest.mark.parametrize(
    "weight",
    [1e308, float("inf"), float("nan"), 0, -1, 1000.5, 10**400, True, "1", None],
    ids=repr,
)
def test_a_weight_out_of_range_is_refused_naming_its_field(ledger: Services, towns, weight):
    county = towns.county()
    before = ledger.rankings.indicators(OPERATOR, county=county)
    with pytest.raises(InvalidField) as refused:
        ledger.rankings.set_indicators(OPERATOR, county=county, indicators=indicators(1, weight))
    assert refused.value.field == "indicators[2].weight"
    assert str(refused.value).endswith(": must be a number greater than 0 and at most 1000")
    assert ledger.rankings.indicators(OPERATOR, county=county) == before


def test_the_largest_weight_and_a_small_one_are_kept(ledger: Services, towns: Towns):
    county = towns.county()
    kept = ledger.rankings.set_indicators(
        OPERATOR, county=county, indicators=indicators(1000, 0.001)
    )
    assert [i["weight"] for i in kept] == [1000, 0.001]


def stored(ledger: Services, county: str, *weights) -> None:
    """Indicators recorded as a history from before the weights' rules would have them (the
    event itself, as an old installation holds it: no rule checked)."""
    record = ledger.app.repository.get(county_uuid(county))
    record.trigger_event(record.IndicatorsSet, indicators=indicators(*weights))
    ledger.app.save(record)


def values_in(document):
    if isinstance(document, dict):
        for value in document.values():
            yield from values_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from values_in(value)
    else:
        yield document


INF, NAN = float("inf"), float("nan")


@pytest.mark.parametrize(
    ("weights", "counted"),
    [
        ((1e308, 1e308), (1, 1)),
        ((1e308, 1), (1e308, 1)),
        ((10**400, 1), (0, 1)),
        ((INF, 1), (0, 1)),
        ((NAN, 1), (0, 1)),
        ((NAN, INF), (0, 0)),
    ],
    ids=repr,
)
def test_an_old_history_of_huge_weights_ranks_without_nan(ledger, towns, weights, counted):
    county, a, b = a_year(towns)
    before = moment()
    stored(ledger, county, *weights)
    ranking = strict(ledger.rankings.ranking(OPERATOR, county=county, period="2024"))
    scores = {row["township"]: row["score"] for row in ranking["townships"]}
    # Worked out apart: a weight no float holds counts as 0 (no weight left: no score, no
    # rank), the others in proportion (1e308 beside 1: the first alone, nearly).
    w1, w2 = (Fraction(w) for w in counted)
    for town, (rectified, resolved) in {a: (Fraction(1, 2), 1), b: (1, 0)}.items():
        if w1 + w2 == 0:
            assert scores[town] is None
            continue
        expected = 100 * (w1 * rectified + w2 * resolved) / (w1 + w2)
        assert scores[town] == pytest.approx(float(expected), abs=0.01)
    assert [w["weight"] for w in ranking["weights"]] == [
        w if c else 0 for w, c in zip(weights, counted, strict=True)
    ]
    strict(ledger.differences.ranking_since(OPERATOR, county=county, period="2024", as_of=before))
    strict(ledger.rankings.ranking(OPERATOR, county=county, period="2024", as_of=before))
    strict(ledger.rankings.indicators(OPERATOR, county=county))
    for town in (a, b):
        strict(ledger.breakdowns.breakdown(OPERATOR, county=county, township=town, period="2024"))
        strict(ledger.breakdowns.trend(OPERATOR, county=county, township=town, period="2024"))
        strict(ledger.figures.figures(OPERATOR, township=town, period="2024"))
    receipt = ledger.publications.publish_ranking(OPERATOR, county=county, period="2024")
    published = json.loads(ledger.publications.publication(OPERATOR, publication_id=receipt.id))
    assert not {"nan", "inf", "-inf"} & {str(v).lower() for v in values_in(published)}


def test_a_publication_frozen_with_nan_weights_restates_without_nan(ledger, towns):
    """An installation that published while weights of NaN were accepted holds "nan" in its
    publication (fixed notation of a float): the restatement notice counts it as 0."""
    county, a, b = a_year(towns)
    ranking = ledger.rankings.ranking(OPERATOR, county=county, period="2024")
    document = {
        "publication": "ranking",
        "county": county,
        "period": "2024",
        "position": ledger.read_model.view.position(),
        "published_at": ranking["as_of"],
        "indicators": indicators(NAN, INF),
        "formula": ranking["formula"],
        "chain_heads": {},
        # ranked 1 and 2 then; today they share the first rank (66.67 each)
        "townships": [
            {**row, "score": NAN, "rank": n} for n, row in enumerate(ranking["townships"], 1)
        ],
    }
    ledger.publications._publish(OPERATOR, "ranking", county, None, "2024", document)
    notice = strict(ledger.publications.restatement(OPERATOR, county=county, period="2024"))
    assert [i["weight"] for i in notice["published_indicators"]] == [0, 0]
    assert {row["published_score"] for row in notice["changed"]} == {"nan"}  # as frozen: text
