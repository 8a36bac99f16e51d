"""Peer groups (issue 22 item 4): the county groups its townships, a group with its own
weights if it wishes; a township's rank within its group uses that group's weights; a ranking
as of a moment uses the groups then in force. On the in-memory store, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from domain.access import Principal, Role
from domain.errors import Forbidden, InvalidField, NotFound
from infra.cli import main
from tests.integration.conftest import Towns, moment
from tests.integration.test_weights import issue
from tests.support import OPERATOR, dispute, unique

RECTIFICATION, MEDIATION = "rates.rectification", "rates.mediation_success"


def weights(rectification: int, mediation: int) -> list[dict]:
    return [
        {"figure": RECTIFICATION, "direction": "higher", "weight": rectification},
        {"figure": MEDIATION, "direction": "higher", "weight": mediation},
    ]


def three(towns: Towns) -> tuple[str, str, str, str]:
    """a: rectified 1 of 2, resolved 1 of 1; b: 2 of 2, 0 of 1; c: 0 of 1, 1 of 1. With
    rectification weighing 3 and mediation 1: b 75, a 62.5, c 25; the other way round:
    a 87.5, c 75, b 25."""
    county, (a, b, c) = towns.townships(3)
    towns.import_lines(
        [
            *issue(a, "I-1", True),
            *issue(a, "I-2", False),
            *dispute(a, "D-1", "2024-02-01", resolved=True),
            *issue(b, "I-1", True),
            *issue(b, "I-2", True),
            *dispute(b, "D-1", "2024-02-01", resolved=False),
            *issue(c, "I-1", False),
            *dispute(c, "D-1", "2024-02-01", resolved=True),
        ]
    )
    towns.ledger.rankings.set_indicators(OPERATOR, county=county, indicators=weights(3, 1))
    return county, a, b, c


def places(document: dict) -> dict[str, tuple]:
    return {
        row["township"]: (row["rank"], row["score"], row.get("group"), row.get("group_rank"))
        for row in document["townships"]
    }


def test_a_groups_ranking_uses_the_groups_weights(towns: Towns) -> None:
    county, a, b, c = three(towns)
    rankings = towns.ledger.rankings
    kept = rankings.set_groups(
        OPERATOR,
        county=county,
        groups=[
            {"name": "镇", "townships": [a, b], "indicators": weights(1, 3)},
            {"name": "乡", "townships": [c]},
        ],
    )
    assert [g["name"] for g in kept] == ["镇", "乡"]
    assert rankings.groups(OPERATOR, county=county) == kept

    town = rankings.ranking(OPERATOR, county=county, period="2024", group="镇")
    assert town["group"] == "镇"
    assert [w["weight"] for w in town["weights"]] == [1, 3]
    assert places(town) == {a: (1, 87.5, None, None), b: (2, 25.0, None, None)}

    overall = rankings.ranking(OPERATOR, county=county, period="2024", with_groups=True)
    assert "group" not in overall
    assert places(overall) == {
        b: (1, 75.0, "镇", 2),
        a: (2, 62.5, "镇", 1),
        c: (3, 25.0, "乡", 1),
    }
    village = rankings.ranking(OPERATOR, county=county, period="2024", group="乡")
    assert [w["weight"] for w in village["weights"]] == [3, 1]  # the county's
    assert places(village) == {c: (1, 25.0, None, None)}


def test_as_of_a_moment_before_a_regrouping_the_old_groups_rank(towns: Towns) -> None:
    county, a, b, c = three(towns)
    rankings = towns.ledger.rankings
    rankings.set_groups(OPERATOR, county=county, groups=[{"name": "镇", "townships": [a, b]}])
    before = moment()
    rankings.set_groups(
        OPERATOR,
        county=county,
        groups=[
            {"name": "镇", "townships": [a], "indicators": weights(1, 3)},
            {"name": "乡", "townships": [b, c]},
        ],
    )
    then = rankings.ranking(OPERATOR, county=county, period="2024", group="镇", as_of=before)
    assert places(then) == {b: (1, 75.0, None, None), a: (2, 62.5, None, None)}
    now = rankings.ranking(OPERATOR, county=county, period="2024", group="镇")
    assert places(now) == {a: (1, 87.5, None, None)}
    overall_then = rankings.ranking(
        OPERATOR, county=county, period="2024", as_of=before, with_groups=True
    )
    assert places(overall_then)[c] == (3, 25.0, None, None)
    with pytest.raises(InvalidField) as refused:
        rankings.ranking(OPERATOR, county=county, period="2024", group="乡", as_of=before)
    assert refused.value.field == "group"
    assert rankings.groups(OPERATOR, county=county, as_of=before) == [
        {"name": "镇", "townships": [a, b]}
    ]
    # an empty list ends every group
    assert rankings.set_groups(OPERATOR, county=county, groups=[]) == []
    assert "group" not in places(rankings.ranking(OPERATOR, county=county, period="2024"))


@pytest.mark.parametrize(
    ("groups", "field"),
    [
        ("镇", "groups"),
        ([{"name": "镇"}], "groups[1].townships"),
        ([{"name": " ", "townships": []}], "groups[1].name"),
        ([{"name": "镇", "townships": [], "kind": "x"}], "groups[1]"),
        ([{"name": "镇", "townships": []}, {"name": "镇", "townships": []}], "groups[2].name"),
        ([{"name": "镇", "townships": ["A"]}, {"name": "乡", "townships": ["A"]}],
         "groups[2].townships[1]"),
        ([{"name": "镇", "townships": ["elsewhere"]}], "groups[1].townships[1]"),
        ([{"name": "镇", "townships": [], "indicators": [{"figure": MEDIATION, "weight": 0}]}],
         "groups[1].indicators[1].weight"),
        ([{"name": "镇", "townships": [], "indicators": []}], "groups[1].indicators"),
    ],
)  # fmt: skip
def test_bad_groups_are_refused_naming_the_field_and_nothing_is_recorded(
    towns: Towns, groups, field
) -> None:
    county, (a,) = towns.townships(1)
    _, (elsewhere,) = towns.townships(1)  # another county's township
    given = _replace(groups, {"A": a, "elsewhere": elsewhere})
    rankings = towns.ledger.rankings
    with pytest.raises(InvalidField) as refused:
        rankings.set_groups(OPERATOR, county=county, groups=given)
    assert refused.value.field == field
    assert rankings.groups(OPERATOR, county=county) == []


def _replace(value, codes: dict[str, str]):
    if isinstance(value, list):
        return [_replace(v, codes) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, codes) for k, v in value.items()}
    return codes.get(value, value) if isinstance(value, str) else value


def test_another_countys_groups_are_not_found_and_a_clerk_sets_none(towns: Towns) -> None:
    county, (a,) = towns.townships(1)
    far = Principal(username="far", role=Role.COUNTY_OFFICER, county=towns.county())
    rankings = towns.ledger.rankings
    given = [{"name": "镇", "townships": [a]}]
    with pytest.raises(NotFound):
        rankings.set_groups(far, county=county, groups=given)
    with pytest.raises(NotFound):
        rankings.groups(far, county=county)
    with pytest.raises(NotFound):
        rankings.ranking(far, county=county, period="2024", group="镇")
    clerk = Principal(username="c", role=Role.CLERK, township=a)
    with pytest.raises((Forbidden, NotFound)):
        rankings.set_groups(clerk, county=county, groups=given)
    officer = Principal(username="o", role=Role.COUNTY_OFFICER, county=county)
    assert rankings.set_groups(officer, county=county, groups=given) == given
    # the same groups again record nothing
    version = towns.ledger.tenancy.county(OPERATOR, county).group_history
    rankings.set_groups(officer, county=county, groups=given)
    assert towns.ledger.tenancy.county(OPERATOR, county).group_history == version


def test_the_command_line_sets_groups_and_ranks_one(tmp_path, own_sql_database_url) -> None:
    def cli(*args: str):
        return CliRunner().invoke(main, ["--database", own_sql_database_url, *args])

    county, town = unique("county"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, town, "巩留镇").exit_code == 0
    given = tmp_path / "groups.json"
    given.write_text(json.dumps([{"name": "镇", "townships": [town]}]), encoding="utf-8")
    done = cli("groups", "--county", county, str(given))
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout) == [{"name": "镇", "townships": [town]}]
    assert json.loads(cli("groups", "--county", county).stdout) == json.loads(done.stdout)
    ranked = cli("ranking", "--county", county, "--period", "2024", "--group", "镇", "--json")
    assert ranked.exit_code == 0, ranked.stderr
    assert json.loads(ranked.stdout)["group"] == "镇"
    text = cli("ranking", "--county", county, "--period", "2024")
    assert "group 镇: rank -" in text.stdout  # no data: no rank
    given.write_text(json.dumps([{"name": "镇", "townships": ["nowhere"]}]), encoding="utf-8")
    refused = cli("groups", "--county", county, str(given))
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert refused.stderr.startswith("error: groups[1].townships[1]:"), refused.stderr
    unknown = cli("ranking", "--county", county, "--period", "2024", "--group", "乡")
    assert unknown.exit_code != 0 and unknown.stderr.startswith("error: group:"), unknown.stderr
