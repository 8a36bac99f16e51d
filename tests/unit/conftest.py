"""Unit tests run on the in-memory store only: the store matrix (memory, SQLite, PostgreSQL)
belongs to tests/integration, where storage is the subject."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url() -> str:
    return "memory:"
