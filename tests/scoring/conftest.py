"""Fixtures for the scoring tests: a store holding the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jixiao.ingest import import_paths
from jixiao.store import Store

SEEDS = Path(__file__).resolve().parents[2] / "samples" / "seeds"


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the 36 seed tables; copied per test that writes to it."""
    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Store(str(path)) as store:
        report = import_paths([str(SEEDS)], store, workers=1)
        assert report.tables == 36
    return str(path)


@pytest.fixture
def store(seeded_db: str, tmp_path: Path) -> Store:
    db = tmp_path / "s.db"
    shutil.copy(seeded_db, db)
    return Store(str(db))
