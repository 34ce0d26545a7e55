"""Indexes for the web's listing and search at 100,000 tables: the years a listing offers
(an index on year), and on PostgreSQL trigram indexes (``pg_trgm``) so that a substring
search of project, department and indicator names (``LIKE '%…%'``) need not read every
row. SQLite has no trigram index: there a search reads the rows, which is fast enough at
the sizes SQLite is for. Without the rights to create the extension, the trigram indexes
are left out and searches still work, as before.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# (index, table, column): named *_trgm, which the schema test knows are PostgreSQL's own.
TRIGRAM = (
    ("ix_target_tables_project_trgm", "target_tables", "project"),
    ("ix_target_tables_department_trgm", "target_tables", "department"),
    ("ix_indicators_name_trgm", "indicators", "name"),
)


def upgrade() -> None:
    op.create_index("ix_target_tables_year", "target_tables", ["year"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = _trgm_schema(bind)
    if schema is None:
        return
    for name, table, column in TRIGRAM:
        ops = f'"{schema}".gin_trgm_ops'
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} {ops})")


def _trgm_schema(bind: sa.Connection) -> str | None:
    """The schema holding pg_trgm, created in ``public`` if it is not there yet (a trusted
    extension: a database owner may); None when it cannot be had."""
    find = sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pg_trgm'"
    )
    found = bind.execute(find).scalar()
    if found is not None:
        return str(found)
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError:
        return None
    found = bind.execute(find).scalar()
    return str(found) if found is not None else None


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, _, _ in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_target_tables_year", table_name="target_tables")
