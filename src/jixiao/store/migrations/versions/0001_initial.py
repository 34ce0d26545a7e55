"""Documents, target tables and indicators.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("format", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("table_count", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("path", name="uq_documents_path"),
    )
    op.create_index("ix_documents_sha256", "documents", ["sha256"])
    op.create_table(
        "target_tables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("first_line", sa.Integer()),
        sa.Column("last_line", sa.Integer()),
        sa.Column("page", sa.Integer()),
        sa.Column("region", sa.String(64)),
        sa.Column("year", sa.Integer()),
        sa.Column("kind", sa.String(64)),
        sa.Column("label", sa.String(64)),
        sa.Column("department", sa.String(255)),
        sa.Column("implementer", sa.String(255)),
        sa.Column("project", sa.String(512), nullable=False),
        sa.Column("execution_weight", sa.Float()),
        sa.Column("money_unit", sa.String(32)),
        sa.Column("funds_total", sa.Float()),
        sa.Column("funds_superior", sa.Float()),
        sa.Column("funds_district", sa.Float()),
        sa.Column("funds_other", sa.Float()),
        sa.Column("overview", sa.Text()),
        sa.Column("basis", sa.Text()),
        sa.Column("goal", sa.Text()),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(128)),
        sa.Column("contact_phone", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_target_tables"),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name="fk_target_tables_document_id_documents",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("document_id", "idx", name="uq_target_tables_document_id"),
    )
    op.create_index("ix_target_tables_project", "target_tables", ["project"])
    op.create_index("ix_target_tables_department", "target_tables", ["department"])
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("operator", sa.String(8)),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("number", sa.Float()),
        sa.Column("unit", sa.String(64), nullable=False),
        sa.Column("score", sa.Float()),
        sa.Column("core", sa.Boolean(), nullable=False),
        sa.Column("level1", sa.String(64)),
        sa.Column("level2", sa.String(64)),
        sa.PrimaryKeyConstraint("id", name="pk_indicators"),
        sa.ForeignKeyConstraint(
            ["table_id"],
            ["target_tables.id"],
            name="fk_indicators_table_id_target_tables",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("table_id", "position", name="uq_indicators_table_id"),
    )


def downgrade() -> None:
    op.drop_table("indicators")
    op.drop_index("ix_target_tables_department", table_name="target_tables")
    op.drop_index("ix_target_tables_project", table_name="target_tables")
    op.drop_table("target_tables")
    op.drop_index("ix_documents_sha256", table_name="documents")
    op.drop_table("documents")
