# ruff: noqa: F811 - the fixtures of test_cli, imported by name, are the parameters
"""The audit commands of the command line on SQLite: output, stderr and exit codes."""

from __future__ import annotations

import sqlite3

import pytest

from tests.integration.test_cli import cli, database  # noqa: F401 - the same fixtures
from tests.support import unique


@pytest.fixture
def township(cli) -> tuple[str, str]:
    county, code = unique("county"), unique("town")
    assert cli("county", "add", county, "巩留县").exit_code == 0
    assert cli("township", "add", "--county", county, code, "巩留镇").exit_code == 0
    line = (
        f'{{"township": "{code}", "type": "dispute_registered", "id": "D-1",'
        ' "occurred_on": "2024-03-01", "source": "screening", "category": "邻里"}'
    )
    assert cli("record", line).exit_code == 0
    return county, code


def test_verify_says_what_it_checked_and_exits_0(cli, township) -> None:
    result = cli("verify", "--township", township[1])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("verified up to position ")
    assert "1 township chain(s), 1 event(s), 1 link(s)" in result.stdout


def test_verify_names_the_changed_record_and_exits_1(cli, township, database) -> None:
    connection = sqlite3.connect(database.removeprefix("sqlite:///"))
    with connection:
        connection.execute(
            "UPDATE stored_events SET state = CAST(replace(state, '邻里', '土地') AS BLOB)"
            " WHERE topic LIKE 'domain.dispute:%'"
        )
    connection.close()
    result = cli("verify")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"verify: township {township[1]}, entry D-1, version 1,")
    assert "differs from what link 1 recorded" in result.stderr


def test_a_township_one_may_not_see_is_not_found(cli, township) -> None:
    result = cli("verify", "--township", "nowhere")
    assert (result.exit_code, result.stderr.strip()) == (1, "error: township: no township nowhere")


def test_verify_names_a_record_that_cannot_be_read(cli, township, database) -> None:
    connection = sqlite3.connect(database.removeprefix("sqlite:///"))
    with connection:
        connection.execute(
            "UPDATE stored_events SET state = CAST('{' AS BLOB) WHERE topic LIKE 'domain.dispute:%'"
        )
    connection.close()
    result = cli("verify", "--township", township[1])
    assert result.exit_code == 1
    assert "the record cannot be read" in result.stderr
