"""The event-sourced application: one ordered log for the whole installation.

Every aggregate (counties, townships, users, every township's entries) is stored by this one
application, so county read models follow one sequence of notifications.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import JSONTranscoder, Transcoding
from eventsourcing.utils import Environment


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class LedgerApplication(Application[UUID]):
    name = "ledger"

    def __init__(self, env: Mapping[str, str]) -> None:
        super().__init__(env=dict(env))

    def construct_env(self, name: str, env: Mapping[str, Any] | None = None) -> Environment:
        # Configuration comes only from the settings passed in (never os.environ here).
        return Environment(name, dict(env or {}))

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
