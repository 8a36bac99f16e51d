"""The projection's version is a fingerprint of the code that decides what is counted
(projections/version.py): a change to any of it is a new version, whose read model is rebuilt,
without anyone remembering to raise a number."""

from __future__ import annotations

import grimp

from projections.version import COUNTED_BY, PROJECTION_VERSION, _source, fingerprint


def test_a_change_to_any_counting_module_is_a_new_version() -> None:
    sources = [_source(module) for module in COUNTED_BY]
    assert fingerprint(sources) == PROJECTION_VERSION
    for n, source in enumerate(sources):
        changed = [*sources[:n], source + b"\n# counted otherwise\n", *sources[n + 1 :]]
        assert fingerprint(changed) != PROJECTION_VERSION, COUNTED_BY[n]
    windows = [source.replace(b"\n", b"\r\n") for source in sources]
    assert fingerprint(windows) == PROJECTION_VERSION  # a checkout's line endings are no change


def test_every_module_the_projection_counts_with_is_in_the_fingerprint() -> None:
    graph = grimp.build_graph("domain", "projections", cache_dir=None)
    counting = ("projections.ledger", "projections.figures", "projections.periods")
    imported = set().union(*(graph.find_modules_directly_imported_by(m) for m in counting))
    project = {m for m in imported if m.split(".")[0] in ("domain", "projections")}
    # What only checks values, names errors or picks facts for a query (never what is
    # counted and stored) may stay out.
    asked = {"domain.values", "domain.errors", "domain.moments", "projections.since"}
    left_out = project - set(COUNTED_BY) - asked
    assert left_out == set(), "add them to projections.version.COUNTED_BY"
