"""How each table was read: its layout and form, the reader's warnings, and a
published self-evaluation's actuals and scores (自评表).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target_tables") as batch:
        batch.add_column(sa.Column("layout", sa.String(16), nullable=True))
        batch.add_column(sa.Column("form", sa.String(16), nullable=True))
        batch.add_column(sa.Column("warnings", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("self_evaluation", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("target_tables") as batch:
        for name in ("self_evaluation", "warnings", "form", "layout"):
            batch.drop_column(name)
