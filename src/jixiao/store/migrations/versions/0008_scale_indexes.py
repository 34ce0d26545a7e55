"""Indexes for a store of 100,000 tables: a return's filings by project and department,
and an evaluation by the key that replaces it (department, project, year).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The two-column index serves a lookup by project alone as well: the old one goes.
    op.create_index(
        "ix_target_tables_project_department", "target_tables", ["project", "department"]
    )
    op.drop_index("ix_target_tables_project", table_name="target_tables")
    op.create_index("ix_evaluations_key", "evaluations", ["department", "project", "year"])


def downgrade() -> None:
    op.drop_index("ix_evaluations_key", table_name="evaluations")
    op.create_index("ix_target_tables_project", "target_tables", ["project"])
    op.drop_index("ix_target_tables_project_department", table_name="target_tables")
