"""The shapes of the administration's requests and answers (docs/api.md "Administration")."""

from __future__ import annotations

import marshmallow as ma
from marshmallow.validate import OneOf as Enum

from web.api.schemas import Strict

ROLES = ("clerk", "head", "county_officer", "auditor", "admin")


class Named(Strict):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class NewName(Strict):
    name = ma.fields.String(required=True)


class CountyAnswer(Strict):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    suspended = ma.fields.Boolean(required=True)


class TownshipAnswer(Strict):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    county = ma.fields.String(required=True)


class Place(Strict):
    """A role and the one place it belongs to: a township (clerk, head), a county (county
    officer, auditor) or none (administrator)."""

    role = ma.fields.String(required=True, validate=Enum(ROLES))
    township = ma.fields.String(load_default=None, allow_none=True)
    county = ma.fields.String(load_default=None, allow_none=True)


class NewUser(Place):
    username = ma.fields.String(required=True)


class OneTimePassword(Strict):
    username = ma.fields.String(required=True)
    one_time_password = ma.fields.String(
        required=True, metadata={"description": "shown once: the ledger keeps only its hash"}
    )


class Person(Strict):
    username = ma.fields.String(required=True)
    role = ma.fields.String(required=True)
    county = ma.fields.String(allow_none=True)
    township = ma.fields.String(allow_none=True)
    disabled = ma.fields.Boolean(required=True)


class People(Strict):
    users = ma.fields.List(ma.fields.Nested(Person), required=True)


class HeldAt(Strict):
    county = ma.fields.String(required=True)
    at = ma.fields.String(required=True, metadata={"format": "date-time"})
    users = ma.fields.List(ma.fields.Nested(Person), required=True)


class AtQuery(Strict):
    at = ma.fields.String(
        required=True, metadata={"format": "date-time", "example": "2025-01-15T00:00:00Z"}
    )


class PasswordChange(Strict):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True)
    new_password = ma.fields.String(required=True)
    otp = ma.fields.String(
        metadata={
            "description": "the code of the user's authenticator app (or a recovery"
            " code), when they are enrolled in two-factor sign-in"
        }
    )


class RightsChange(Strict):
    at = ma.fields.String(required=True, metadata={"format": "date-time"})
    by = ma.fields.String(required=True, metadata={"description": "empty: from before"})
    kind = ma.fields.String(required=True)
    subject = ma.fields.String(required=True)
    name = ma.fields.String()
    role = ma.fields.String()
    county = ma.fields.String(allow_none=True)
    township = ma.fields.String(allow_none=True)


class RightsChanges(Strict):
    county = ma.fields.String(required=True)
    changes = ma.fields.List(ma.fields.Nested(RightsChange), required=True)
