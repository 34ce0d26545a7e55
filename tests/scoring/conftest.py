"""Fixtures for the scoring tests: a store holding the seeds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao.ingest import import_paths
from jixiao.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """The seeds in a fresh store, on SQLite and on PostgreSQL (``db_url`` of tests/conftest.py)."""
    s = Store(db_url)
    assert import_paths([str(SEEDS)], s, workers=1).tables == 36
    yield s
    s.close()
