"""The codes of two-factor sign-in (domain/two_factor.py says who must enrol): a new secret
and its otpauth:// address for the authenticator app, the time step a code belongs to, and
recovery codes, of which the ledger keeps only digests."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp

from domain.two_factor import CODE_DIGITS, DRIFT_STEPS, RECOVERY_CODES, STEP_SECONDS, is_totp_code

ISSUER = "法治政府建设台账"
SECRET_LENGTH = 32  # base32 characters: 160 bits, RFC 4226's recommendation


def new_secret() -> str:
    return pyotp.random_base32(SECRET_LENGTH)


def is_secret(secret: object) -> bool:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return isinstance(secret, str) and len(secret) == SECRET_LENGTH and set(secret) <= set(alphabet)


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// address an authenticator app reads (typed in, or from its QR code)."""
    return _totp(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (of ``STEP_SECONDS``) whose code ``code`` is, within the drift allowed;
    None when it is none of theirs."""
    if not is_totp_code(code):
        return None
    totp, current = _totp(secret), int(now.timestamp()) // STEP_SECONDS
    for step in range(current + DRIFT_STEPS, current - DRIFT_STEPS - 1, -1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Codes of 10 characters (50 bits each), shown as two groups of five."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # nothing read as something else
    codes = ("".join(secrets.choice(alphabet) for _ in range(10)) for _ in range(RECOVERY_CODES))
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=CODE_DIGITS, interval=STEP_SECONDS)
