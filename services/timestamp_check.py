"""``verify``'s part for trusted timestamps: every token stored, read again against the hash
it must stamp (a publication's SHA-256 as published, a chain's link hash as the chain holds
it) and the certificates configured (``LEDGER_TSA_CERTS``). docs/audit.md."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from domain.timestamp import PUBLICATION
from services.timestamps import StampReader, StampRefused

# What a token's finding can be (services/verification.py KINDS)
TIMESTAMP_KINDS = (
    "timestamp_invalid",  # a token that is no good token: altered, or not the TSA's
    "timestamp_other_hash",  # a token over another hash than what it is recorded to stamp
    "timestamp_differs",  # the time or authority recorded beside a token is not the token's
    "timestamp_unanchored",  # a token of a link no longer on the chain, or of no publication
)


def check_stamps(
    found: Any, chains: dict[str, dict[int, str]], reader: StampReader | None, finding: Callable
) -> int:
    """Each token in ``found`` (a verification's scan) against what it stamps; the findings
    join ``found.findings`` (``finding`` makes one). Returns the tokens in scope (without
    ``reader``, only their recorded hashes are checked)."""
    publications = {str(p.originator_id): p for _, p in found.anchors}
    checked = 0
    for position, stamp in found.stamps:
        if stamp.kind == PUBLICATION:
            published = publications.get(stamp.publication)
            if not _in_scope(found, published):
                continue
            expected = None if published is None else published.sha256
            where = {"township": stamp.township}
            name = f"publication {stamp.publication}"
        else:
            if not found.wants(stamp.township):
                continue
            expected = chains.get(stamp.township, {}).get(stamp.link)
            where = {"township": stamp.township, "version": stamp.link}
            name = f"the token of link {stamp.link}"
        problem = _problem(stamp, expected, reader)
        if problem is not None:
            kind, what = problem
            found.findings.append(finding(position, what=f"{name}: {what}", kind=kind, **where))
        checked += 1
    return checked


def _in_scope(found: Any, published: Any) -> bool:
    if found.townships is None or published is None:
        return True
    return bool(found.townships & {published.township, *published.chain_heads})


def _problem(stamp: Any, expected: str | None, reader: StampReader | None):
    """(kind, what) of what is wrong with a token; None when it is good (or cannot be read
    without ``reader``, beyond its recorded hash)."""
    if expected is None:
        return "timestamp_unanchored", "what the token stamps is no longer in the ledger"
    if stamp.sha256 != expected:
        what = f"the token is recorded as stamping {stamp.sha256[:12]}…, not {expected[:12]}…"
        return "timestamp_other_hash", what
    if reader is None:
        return None
    try:
        read = reader.read(base64.b64decode(stamp.reply, validate=True), expected)
    except (binascii.Error, ValueError):
        return "timestamp_invalid", "the token's bytes are not base64"
    except StampRefused as refused:
        kind = "timestamp_other_hash" if refused.other_hash else "timestamp_invalid"
        return kind, str(refused)
    if (read.stamped_at, read.authority) != (stamp.stamped_at, stamp.authority):
        what = (
            f"recorded as stamped at {stamp.stamped_at} by {stamp.authority},"
            f" the token says {read.stamped_at} by {read.authority}"
        )
        return "timestamp_differs", what
    return None
