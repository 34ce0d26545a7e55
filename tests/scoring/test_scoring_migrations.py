"""The Alembic migrations create exactly the tables of schema.py, so the two cannot drift."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from jixiao.store import Store
from jixiao.store.schema import metadata


def test_migrations_match_metadata(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "m.db"))
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, metadata) == []
        assert {"evaluations", "evaluation_items"} <= set(inspect(conn).get_table_names())
        assert ctx.get_current_revision() == "0002"
