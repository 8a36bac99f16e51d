"""A user's e-mail address from the command line: given when added, changed, removed; a bad
one refused on one line naming the field, nothing recorded."""

from __future__ import annotations

from infra.settings import event_store_env
from services import open_services
from tests.integration.test_cli import cli, database, township  # noqa: F401 - fixtures
from tests.support import PASSWORD, unique


def recipients(url: str) -> dict[str, str]:
    ledger = open_services(event_store_env(url))
    try:
        return {p.username: address for p, address in ledger.tenancy.mail_recipients().addresses}
    finally:
        ledger.close()


def test_an_address_given_changed_and_removed(cli, township, database):  # noqa: F811
    _county, code = township
    head = unique("head")
    added = cli(
        "user", "add", head, "--role", "head", "--township", code, "--email", "h@example.org",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert added.exit_code == 0
    assert recipients(database) == {head: "h@example.org"}
    assert cli("user", "email", head, "head@example.org").exit_code == 0
    assert recipients(database) == {head: "head@example.org"}
    assert cli("user", "email", head).exit_code == 0
    assert recipients(database) == {}


def test_a_bad_address_is_refused_naming_the_field(cli, township, database):  # noqa: F811
    _county, code = township
    head = unique("head")
    refused = cli(
        "user", "add", head, "--role", "head", "--township", code, "--email", "not an address",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: email: must be an e-mail address")
    assert refused.stderr.count("\n") == 1
    assert cli("user", "email", head, "h@example.org").exit_code == 1  # no such user
    assert recipients(database) == {}
