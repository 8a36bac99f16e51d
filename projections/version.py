"""The projection's own version: what the stored facts and tallies were computed by.

The read model is derived: stored tallies are only right for the code that counted them. So
the version is not a number someone must remember to raise, but a fingerprint of the source
of every module that decides what is counted (``COUNTED_BY``: the projection, the figures, the
periods, and the entries' own modules they read). A release that changes any of them opens
the read model as one of another version: its tables are dropped and rebuilt from the log
(``infra/read_model_schema.py``). tests/unit/test_projection_version.py holds the list to the
modules the projection imports.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable
from pathlib import Path

COUNTED_BY = (
    "projections.ledger",
    "projections.figures",
    "projections.periods",
    "domain.figure_names",
    "domain.entry",
    "domain.evidence",
    "domain.decision",
    "domain.dispute",
    "domain.hotline",
    "domain.inspection",
    "domain.issue",
    "domain.meeting",
    "domain.roster",
    "domain.session",
)


def fingerprint(sources: Iterable[bytes]) -> str:
    """The version of code whose modules' sources are ``sources`` (line endings ignored)."""
    digest = hashlib.sha256()
    for source in sources:
        text = source.replace(b"\r\n", b"\n")
        digest.update(b"%d:" % len(text) + text)
    return digest.hexdigest()[:16]


def _source(module: str) -> bytes:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None, module
    return Path(spec.origin).read_bytes()


PROJECTION_VERSION = fingerprint(_source(module) for module in COUNTED_BY)
