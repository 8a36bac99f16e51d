"""Direct access to a test's own database, past the product: to tamper with what it stored."""

from __future__ import annotations

import json
import sqlite3
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit
from uuid import UUID

import psycopg

from tests.support import line


class RawStore:
    """The stored events and read-model tables of the database at ``url`` (SQLite file, or
    PostgreSQL: the schema named in the URL, if one is), opened with the driver itself."""

    def __init__(self, url: str, table: str) -> None:
        self.table = table
        if url.startswith("sqlite:"):
            self.connection: Any = sqlite3.connect(url.removeprefix("sqlite:///"))
            self.mark, self.postgres = "?", False
        else:
            parts = urlsplit(url)
            schemas = parse_qs(parts.query).get("schema")
            self.connection = psycopg.connect(urlunsplit(parts._replace(query="")))
            if schemas:
                self.connection.execute(f'SET search_path TO "{schemas[0]}"')
            self.mark, self.postgres = "%s", True

    def close(self) -> None:
        self.connection.close()

    def execute(self, statement: str, params: tuple = ()) -> list[tuple]:
        cursor = self.connection.cursor()
        cursor.execute(statement.replace("?", self.mark), params)
        rows = cursor.fetchall() if cursor.description else []
        self.connection.commit()
        return rows

    def _id(self, originator_id: UUID) -> Any:
        return originator_id if self.postgres else originator_id.hex

    def state(self, originator_id: UUID, version: int) -> dict:
        (row,) = self.execute(
            f"SELECT state FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )
        return json.loads(bytes(row[0]))

    def set_state(self, originator_id: UUID, version: int, state: dict) -> None:
        self.execute(
            f"UPDATE {self.table} SET state = ? WHERE originator_id = ? AND originator_version = ?",
            (_bytes(state), self._id(originator_id), version),
        )

    def delete(self, originator_id: UUID, version: int) -> None:
        self.execute(
            f"DELETE FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )

    def insert(self, originator_id: UUID, version: int, topic: str, state: dict) -> None:
        self.execute(
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state)"
            " VALUES (?, ?, ?, ?)",
            (self._id(originator_id), version, topic, _bytes(state)),
        )

    def topic(self, originator_id: UUID, version: int) -> str:
        (row,) = self.execute(
            f"SELECT topic FROM {self.table} WHERE originator_id = ? AND originator_version = ?",
            (self._id(originator_id), version),
        )
        return row[0]


def two_disputes(town: str) -> list[dict]:
    """Interchange lines: D-1 registered and resolved, D-2 registered (three events)."""
    return [
        line(town, "dispute_registered", "D-1", "2024-03-01", source="screening", category="邻里"),
        line(town, "dispute_registered", "D-2", "2024-03-02", source="petition", category="土地"),
        line(town, "dispute_mediated", "D-1", "2024-03-05", outcome="resolved", mediator="other"),
    ]


def _bytes(state: dict) -> bytes:
    return json.dumps(state, separators=(",", ":"), ensure_ascii=False).encode()
