"""The fields each table's form has a place for, so the review asks only for those.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target_tables") as batch:
        batch.add_column(sa.Column("form_fields", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("target_tables") as batch:
        batch.drop_column("form_fields")
