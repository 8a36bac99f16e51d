"""Administration: counties (the administrator's), townships and people (the administrator's
and each county officer's, of their own county), and choosing one's own password. Another
county's township or user answers 404, as a missing one; a role that administers nothing 403
(docs/api.md "Administration")."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from web.api.administration_schemas import (
    AtQuery,
    CountyAnswer,
    HeldAt,
    Named,
    NewName,
    NewUser,
    OneTimePassword,
    PasswordChange,
    People,
    Person,
    Place,
    RightsChanges,
    TownshipAnswer,
)
from web.api.auth import ledger, principal

blp = Blueprint(
    "administration", __name__, url_prefix="/api/v1", description="Counties, townships, people."
)


@blp.route("/counties", methods=["POST"])
@blp.arguments(Named)
@blp.response(201, CountyAnswer)
def add_county(given: dict):
    """A new county (the administrator)."""
    return ledger().administration.add_county(principal(), **given)


@blp.route("/counties/<county>/name", methods=["PUT"])
@blp.arguments(NewName)
@blp.response(200, CountyAnswer)
def rename_county(given: dict, county: str):
    """The county's new name (the administrator)."""
    return ledger().administration.rename_county(principal(), county=county, name=given["name"])


@blp.route("/counties/<county>/suspend", methods=["POST"])
@blp.response(200, CountyAnswer)
def suspend_county(county: str):
    """Its people can no longer sign in and their sessions and tokens stop; its records stay
    (the administrator)."""
    return ledger().administration.suspend_county(principal(), county=county)


@blp.route("/counties/<county>/reinstate", methods=["POST"])
@blp.response(200, CountyAnswer)
def reinstate_county(county: str):
    """A suspended county's people can sign in again (the administrator)."""
    return ledger().administration.reinstate_county(principal(), county=county)


@blp.route("/counties/<county>/townships", methods=["POST"])
@blp.arguments(Named)
@blp.response(201, TownshipAnswer)
def add_township(given: dict, county: str):
    """A new township of the county (its county officer, or the administrator)."""
    return ledger().administration.add_township(principal(), county=county, **given)


@blp.route("/townships/<township>/name", methods=["PUT"])
@blp.arguments(NewName)
@blp.response(200, TownshipAnswer)
def rename_township(given: dict, township: str):
    """The township's new name (its county officer, or the administrator)."""
    return ledger().administration.rename_township(
        principal(), township=township, name=given["name"]
    )


@blp.route("/counties/<county>/users", methods=["GET"])
@blp.response(200, People)
def users(county: str):
    """The people of the county and its townships, in the order they were added."""
    found = ledger().administration.users(principal(), county=county)
    return {"users": [person.document() for person in found]}


@blp.route("/counties/<county>/rights", methods=["GET"])
@blp.arguments(AtQuery, location="query")
@blp.response(200, HeldAt)
def rights(asked: dict, county: str):
    """Who held which role where in the county at the moment ``at``, as the ledger's rights
    events say (the county's officers and auditors, and the administrator)."""
    found = ledger().administration.held_at(principal(), county=county, moment=asked["at"])
    return {
        "county": county,
        "at": asked["at"],
        "users": [person.document() for person in found],
    }


@blp.route("/counties/<county>/rights/changes", methods=["GET"])
@blp.response(200, RightsChanges)
def changes(county: str):
    """Every change of rights in the county's rights chain, oldest first: when, by whom,
    which kind, of whom or what, and what it set."""
    return {
        "county": county,
        "changes": ledger().administration.changes(principal(), county=county),
    }


@blp.route("/users", methods=["POST"])
@blp.arguments(NewUser)
@blp.response(201, OneTimePassword)
def add_user(given: dict):
    """A new user with a one-time password, shown once, which must be changed first
    (``POST /password``): a county officer adds a clerk, head or auditor of their county; the
    administrator anyone."""
    return ledger().administration.add_user(principal(), **given)


@blp.route("/users/<username>/disable", methods=["POST"])
@blp.response(200, Person)
def disable(username: str):
    """The user can no longer sign in; their sessions and tokens stop at their next
    request."""
    return ledger().administration.disable(principal(), username=username).document()


@blp.route("/users/<username>/enable", methods=["POST"])
@blp.response(200, Person)
def enable(username: str):
    return ledger().administration.enable(principal(), username=username).document()


@blp.route("/users/<username>/password-reset", methods=["POST"])
@blp.response(200, OneTimePassword)
def password_reset(username: str):
    """A one-time password for the user, shown once; their sessions and tokens stop."""
    return ledger().administration.reset_password(principal(), username=username)


@blp.route("/users/<username>/role", methods=["PUT"])
@blp.arguments(Place)
@blp.response(200, Person)
def change_role(given: dict, username: str):
    """Another role or place for the user, within their county."""
    return ledger().administration.change_role(principal(), username=username, **given).document()


@blp.route("/password", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(PasswordChange)
@blp.response(204)
def change_password(given: dict):
    """Anyone with their password (a one-time one too) chooses a new one; their tokens and
    sessions stop (throttled like signing in)."""
    ledger().accounts.change_own_password(
        username=given["username"],
        password=given["password"],
        new=given["new_password"],
        client=request.remote_addr or "",
        otp=given.get("otp"),
    )
