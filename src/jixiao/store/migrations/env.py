"""Alembic environment: jixiao runs migrations itself on the connection it opened."""

from __future__ import annotations

from alembic import context

from jixiao.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - `alembic` CLI use; jixiao passes a connection
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url") or "").connect()

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
