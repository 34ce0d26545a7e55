"""The Alembic migrations create exactly the tables of ``store/schema.py``."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from jixiao.store import Store, metadata


def _not_trigram(obj: object, name: str | None, type_: str, reflected: bool, *_: object) -> bool:
    # PostgreSQL's own trigram indexes for substring search (migration 0010) are
    # not in schema.py: SQLite has none.
    return not (type_ == "index" and reflected and (name or "").endswith("_trgm"))


def test_migrations_match_the_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _not_trigram}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_opening_twice_is_a_no_op(db_url: str) -> None:
    Store(db_url).close()
    s = Store(db_url)
    assert s.count() == 0
    s.close()


def test_every_table_is_created_and_the_revision_is_the_head(store: Store) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from jixiao.store import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with store.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
        assert set(metadata.tables) <= set(inspect(conn).get_table_names())
