"""Accounts (users, reviewers' departments, sessions, API tokens, failed sign-ins) and the
approval workflow (filings, reviewers' comments, finding marks, self-evaluation steps).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("department", sa.String(255)),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("must_change", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_table(
        "reviewer_departments",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("department", sa.String(255), primary_key=True),
    )  # fmt: skip
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
    )  # fmt: skip
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("label", sa.String(128), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS),
    )  # fmt: skip
    op.create_table(
        "sign_in_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )
    op.create_index("ix_sign_in_failures_name_at", "sign_in_failures", ["name", "at"])
    op.create_table(
        "filings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("department", sa.String(255), nullable=False, server_default=""),
        sa.Column("project", sa.String(512), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(64)),
        sa.UniqueConstraint("department", "project", "year", name="uq_filings_key"),
    )
    op.create_table(
        "filing_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("filing_id", sa.Integer(), sa.ForeignKey("filings.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("field", sa.String(128)),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )  # fmt: skip
    op.create_table(
        "finding_marks",
        sa.Column("filing_id", sa.Integer(), sa.ForeignKey("filings.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(128), primary_key=True, server_default=""),
        sa.Column("mark", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("at", _TS, nullable=False),
    )  # fmt: skip
    op.create_table(
        "evaluation_steps",
        sa.Column("evaluation_id", sa.Integer(),
                  sa.ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("updated_by", sa.String(64)),
    )  # fmt: skip


def downgrade() -> None:
    for name in ("evaluation_steps", "finding_marks", "filing_comments", "filings"):
        op.drop_table(name)
    op.drop_index("ix_sign_in_failures_name_at", table_name="sign_in_failures")
    for name in ("sign_in_failures", "api_tokens", "sessions", "reviewer_departments", "users"):
        op.drop_table(name)
