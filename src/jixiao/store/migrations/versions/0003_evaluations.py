"""Self-evaluations (绩效自评) and their indicator scores.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("department", sa.String(255)),
        sa.Column("project", sa.String(512), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("source_file", sa.String(255)),
        sa.Column("source_index", sa.Integer()),
        sa.Column("input_file", sa.String(1024), nullable=False),
        sa.Column("input_sheet", sa.String(255)),
        sa.Column("money_unit", sa.String(32)),
        sa.Column("budget", sa.Float()),
        sa.Column("executed", sa.Float()),
        sa.Column("execution_rate", sa.Float()),
        sa.Column("execution_weight", sa.Float(), nullable=False),
        sa.Column("execution_score", sa.Float()),
        sa.Column("execution_reason", sa.Text()),
        sa.Column("indicator_score", sa.Float(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("capped_from", sa.Float()),
        sa.Column("grade", sa.String(16)),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evaluations"),
    )
    op.create_index("ix_evaluations_project", "evaluations", ["project"])
    op.create_index("ix_evaluations_department", "evaluations", ["department"])
    op.create_table(
        "evaluation_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(8)),
        sa.Column("target", sa.Float()),
        sa.Column("target_text", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=False),
        sa.Column("actual", sa.Float()),
        sa.Column("actual_text", sa.Text()),
        sa.Column("tier", sa.String(64)),
        sa.Column("score", sa.Float()),
        sa.Column("reason", sa.Text()),
        sa.Column("applicable", sa.Boolean(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_evaluation_items"),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name="fk_evaluation_items_evaluation_id_evaluations",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("evaluation_id", "position", name="uq_evaluation_items_evaluation_id"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_items")
    op.drop_index("ix_evaluations_department", table_name="evaluations")
    op.drop_index("ix_evaluations_project", table_name="evaluations")
    op.drop_table("evaluations")
