"""Townships by code, as services and pages name them. A township is never removed nor moved
to another county, so what was read of it is kept; its name may change (a rename), so a kept
township is read again past ``TOWNSHIP_KEPT_SECONDS`` — one at a time, or a county's many
checked in one query of their versions and read again only when renamed."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from domain.tenancy import Township, township_uuid
from services.application import LedgerApplication

TOWNSHIP_KEPT_SECONDS = 30.0  # a township's name, kept this long (it may be renamed)


@dataclass(frozen=True)
class TownshipView:
    code: str
    name: str
    county: str


class TownshipNames:
    def __init__(self, app: LedgerApplication, read: Callable[[str], Township]) -> None:
        """``read(code)``: the township's record, or "not found" raised."""
        self.app = app
        self.read = read
        self._kept: dict[str, tuple[float, TownshipView, int]] = {}  # when, view, version

    def get(self, code: str, *, fresh: bool = False) -> TownshipView:
        """The township (read again when ``fresh``, or kept too long)."""
        kept = self._kept.get(code)
        if fresh or kept is None or time.monotonic() - kept[0] > TOWNSHIP_KEPT_SECONDS:
            return self.keep(self.read(code))
        return kept[1]

    def keep(self, township: Township) -> TownshipView:
        """The township's view, kept as ``township`` stands (just read, added or renamed)."""
        view = TownshipView(township.code, township.name, township.county)
        self._kept[view.code] = (time.monotonic(), view, township.version)
        return view

    def many(self, codes: Sequence[str]) -> list[TownshipView]:
        """Townships known to exist (a county's): those kept too long checked for a rename in
        one query (their versions), and read again only when renamed (a county's ranking
        names its townships every time)."""
        now = time.monotonic()
        stale = [
            code
            for code in codes
            if (kept := self._kept.get(code)) is None or now - kept[0] > TOWNSHIP_KEPT_SECONDS
        ]
        if stale:
            versions = self.app.ledger_recorder.versions_of([township_uuid(c) for c in stale])
            for code in stale:
                kept = self._kept.get(code)
                if kept is not None and versions.get(township_uuid(code)) == kept[2]:
                    self._kept[code] = (now, kept[1], kept[2])
                else:
                    self.get(code, fresh=True)
        return [self._kept[code][1] for code in codes]
