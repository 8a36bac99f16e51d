"""Two-factor sign-in: who must enrol, and the codes that prove the second factor.

A time-based one-time password (RFC 6238: 6 digits, a new one every 30 seconds) from any
authenticator app, or one of the recovery codes given at enrolment, each usable once. Roles
that see a whole county or the installation must enrol, unless the installation turns the
requirement off (``LEDGER_TWO_FACTOR=optional``); township roles may.
"""

from __future__ import annotations

from domain.access import Role

REQUIRED_OF = frozenset({Role.COUNTY_OFFICER, Role.AUDITOR, Role.ADMIN})
RECOVERY_CODES = 10
CODE_DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code of the step before or after is accepted too (clocks differ)


def must_enrol(role: Role, *, enrolled: bool, required: bool) -> bool:
    """Whether a user may do nothing before enrolling."""
    return required and not enrolled and role in REQUIRED_OF


def is_totp_code(code: str) -> bool:
    return isinstance(code, str) and len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def recovery_form(code: str) -> str:
    """A recovery code as kept (digested): what the user typed without spaces, dashes or case."""
    return "".join(c for c in code if c.isalnum()).lower() if isinstance(code, str) else ""
