"""Shared fixtures: the seed documents, and a store on SQLite and on PostgreSQL.

PostgreSQL tests use the server named by ``JIXIAO_TEST_PG`` (default: the local
``postgresql://postgres@127.0.0.1:5432/test``), each test in a schema of its own.
Without a server they skip with the reason — except under CI (``CI`` set), where a
missing server is a failure, never a silent skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from jixiao.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "samples" / "seeds"
SHARED_GOLD = ROOT.parent / "shared" / "gold"
PG_URL = os.environ.get("JIXIAO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        eng = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except OperationalError as e:
        return str(e.orig).strip().splitlines()[0] if e.orig else str(e)


@pytest.fixture(scope="session")
def pg_server() -> str:
    reason = _pg_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required under CI: {reason}")
        pytest.skip(f"no PostgreSQL at {PG_URL}: {reason}")
    return PG_URL


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    schema = "jx_" + uuid.uuid4().hex[:12]
    admin = create_engine(pg_server.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_server else "?"
    yield f"{pg_server}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jixiao.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


@pytest.fixture
def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))
