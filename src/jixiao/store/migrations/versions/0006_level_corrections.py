"""Reviewers' corrections of inferred indicator levels (审核人更正), kept across re-imports.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "level_corrections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("department", sa.String(255), nullable=False, server_default=""),
        sa.Column("project", sa.String(512), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("indicator", sa.String(512), nullable=False),
        sa.Column("level1", sa.String(32), nullable=False),
        sa.Column("level2", sa.String(32), nullable=False),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "department", "project", "year", "indicator", name="uq_level_corrections_key"
        ),
    )
    op.create_index("ix_level_corrections_project", "level_corrections", ["project"])


def downgrade() -> None:
    op.drop_index("ix_level_corrections_project", table_name="level_corrections")
    op.drop_table("level_corrections")
