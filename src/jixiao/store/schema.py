"""The database tables. Alembic migrations (``migrations/versions``) create exactly these;
a test compares the two so they cannot drift.

A document (文档) is one imported file; it owns its target tables (绩效目标表),
which own their indicators (绩效指标). Deleting or replacing a document removes
what it owned in the same transaction.

What a database can hold is the same on every backend (:func:`storable`,
:func:`too_long`): PostgreSQL refuses NUL and text longer than a ``String(n)``;
SQLite would take both and hand them to writers that cannot write them, so the store
applies PostgreSQL's limits itself, on SQLite too.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", String(1024), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("format", String(16), nullable=False),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("table_count", Integer, nullable=False),
    # Tables of this file that could not be read, as their one-line messages:
    # re-importing the unchanged file repeats them instead of hiding them.
    Column("problems", JSON, nullable=False),
)

target_tables = Table(
    "target_tables",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "document_id",
        Integer,
        ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("idx", Integer, nullable=False),
    Column("first_line", Integer),
    Column("last_line", Integer),
    Column("page", Integer),
    Column("region", String(64)),
    Column("year", Integer),
    Column("kind", String(64)),
    Column("label", String(64)),
    Column("department", String(255)),
    Column("implementer", String(255)),
    Column("project", String(512), nullable=False),
    Column("execution_weight", Float),
    Column("money_unit", String(32)),
    Column("funds_total", Float),
    Column("funds_superior", Float),
    Column("funds_district", Float),
    Column("funds_other", Float),
    Column("overview", Text),
    Column("basis", Text),
    Column("goal", Text),
    Column("extra", JSON, nullable=False),
    Column("contact_name", String(128)),
    Column("contact_phone", String(64)),
    # How the table was read (not part of the interchange form).
    Column("layout", String(16)),
    Column("form", String(16)),
    Column("warnings", JSON),
    Column("self_evaluation", JSON),
    Column("form_fields", JSON),
    UniqueConstraint("document_id", "idx"),
    # A return is matched by project and department: one index finds its filings however
    # many other departments filed a project of that name (and serves project alone too).
    Index("ix_target_tables_project_department", "project", "department"),
    Index("ix_target_tables_department", "department"),
    Index("ix_target_tables_year", "year"),
    # On PostgreSQL, migration 0010 adds trigram indexes (*_trgm) for substring search.
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "table_id",
        Integer,
        ForeignKey("target_tables.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("operator", String(8)),
    Column("value", Text, nullable=False),
    Column("number", Float),
    Column("unit", String(64), nullable=False),
    Column("score", Float),
    Column("core", Boolean, nullable=False),
    Column("level1", String(64)),
    Column("level2", String(64)),
    Column("operator_written", String(16)),
    UniqueConstraint("table_id", "position"),
)

# A project's year-end self-evaluation (绩效自评), keyed by department, project and year
# rather than by a target_tables id: re-importing the target tables gives them new ids,
# and the evaluation must survive that. A new evaluation of a project replaces the old.
evaluations = Table(
    "evaluations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("department", String(255)),
    Column("project", String(512), nullable=False),
    Column("year", Integer),
    Column("source_file", String(255)),
    Column("source_index", Integer),
    Column("input_file", String(1024), nullable=False),
    Column("input_sheet", String(255)),
    Column("money_unit", String(32)),
    Column("budget", Float),
    Column("executed", Float),
    Column("execution_rate", Float),
    Column("execution_weight", Float, nullable=False),
    Column("execution_score", Float),
    Column("execution_reason", Text),
    Column("indicator_score", Float, nullable=False),
    Column("total", Float, nullable=False),
    Column("capped_from", Float),
    Column("grade", String(16)),
    Column("complete", Boolean, nullable=False),
    Column("findings", JSON, nullable=False),
    Column("evaluated_at", DateTime(timezone=True), nullable=False),
    Index("ix_evaluations_project", "project"),
    Index("ix_evaluations_department", "department"),
    # The key a new evaluation replaces the old one by.
    Index("ix_evaluations_key", "department", "project", "year"),
)

evaluation_items = Table(
    "evaluation_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "evaluation_id",
        Integer,
        ForeignKey("evaluations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("operator", String(8)),
    Column("target", Float),
    Column("target_text", Text, nullable=False),
    Column("unit", String(64), nullable=False),
    Column("max_score", Float, nullable=False),
    Column("actual", Float),
    Column("actual_text", Text),
    Column("tier", String(64)),
    Column("score", Float),
    Column("reason", Text),
    Column("applicable", Boolean, nullable=False),
    Column("flags", JSON, nullable=False),
    UniqueConstraint("evaluation_id", "position"),
)


def storable(value: Any) -> Any:
    """A row value as every database can hold it: NUL (U+0000) dropped from each string,
    inside JSON too. It is never meaningful in a table (a damaged cell), PostgreSQL cannot
    hold it, and XML writers (XLSX) cannot write it, so it is dropped at the store's door."""
    kind = type(value)
    if kind is str:
        return value.replace("\x00", "") if "\x00" in value else value
    if value is None or kind is int or kind is float or kind is bool:
        return value  # most of a row: answered without the checks below (an import's hot path)
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict | list | tuple) and "\\x00" not in repr(value):
        return value  # no NUL anywhere inside (repr writes it \x00): nothing to walk
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def too_long(table: Table, row: dict[str, Any]) -> tuple[str, int, int] | None:
    """The first column of ``row`` longer than its ``String(n)``: (column, length, n).

    The length is the one stored: NUL (which :func:`storable` drops) is not counted.
    """
    limits = _limits(table)
    for name, value in row.items():
        limit = limits.get(name)
        if limit is not None and isinstance(value, str) and len(value) > limit:
            length = len(value) - value.count("\x00")
            if length > limit:
                return name, length, limit
    return None


@functools.cache
def _limits(table: Table) -> dict[str, int]:
    """Each ``String(n)`` column's n."""
    lengths = {c.name: getattr(c.type, "length", None) for c in table.c}
    return {name: n for name, n in lengths.items() if n is not None}


# 审核人更正: a reviewer's levels for an indicator, keyed by what survives a re-import
# (department, project, year and the indicator's name), never by row ids.
level_corrections = Table(
    "level_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("department", String(255), nullable=False, server_default=""),
    Column("project", String(512), nullable=False),
    Column("year", Integer, nullable=False, server_default="0"),
    Column("indicator", String(512), nullable=False),
    Column("level1", String(32), nullable=False),
    Column("level2", String(32), nullable=False),
    Column("corrected_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("department", "project", "year", "indicator", name="uq_level_corrections_key"),
    Index("ix_level_corrections_project", "project"),
)

# -- accounts (用户) ------------------------------------------------------------------
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),  # admin | reviewer | department
    Column("department", String(255)),  # the one department a 部门填报 user files for
    Column("password_hash", String(255), nullable=False),  # Argon2id, never the password
    Column("must_change", Boolean, nullable=False, server_default=sa_false()),
    Column("disabled", Boolean, nullable=False, server_default=sa_false()),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
# 财政审核: the departments a reviewer is assigned to.
reviewer_departments = Table(
    "reviewer_departments",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("department", String(255), primary_key=True),
)
# Server-side sessions: the cookie holds a random token, the database only its hash.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(128), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)
# Failed sign-ins, for the rate limit (kept a day).
sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_sign_in_failures_name_at", "name", "at"),
)

# -- the workflow (审批流程) ------------------------------------------------------------
# One filing per department, project and year: its status moves 草稿 → 已提交 → 已退回 |
# 已批准 → 已公开; its versions are the stored tables with that key, oldest first.
filings = Table(
    "filings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("department", String(255), nullable=False, server_default=""),
    Column("project", String(512), nullable=False),
    Column("year", Integer, nullable=False, server_default="0"),
    Column("status", String(8), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64)),
    UniqueConstraint("department", "project", "year", name="uq_filings_key"),
)
# The reviewer's comments when returning a filing, per field (or per finding).
filing_comments = Table(
    "filing_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("filing_id", Integer, ForeignKey("filings.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(128)),
    Column("comment", Text, nullable=False),
    Column("author", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
# 采纳 / 不采纳 of a finding, kept by what survives a re-submission (code and field).
finding_marks = Table(
    "finding_marks",
    metadata,
    Column("filing_id", Integer, ForeignKey("filings.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("field", String(128), primary_key=True, server_default=""),
    Column("mark", String(8), nullable=False),  # 采纳 | 不采纳
    Column("reason", Text),
    Column("author", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
# The self-evaluation's own path: 已提交 → 已复核 → 已确认.
evaluation_steps = Table(
    "evaluation_steps",
    metadata,
    Column(
        "evaluation_id", Integer, ForeignKey("evaluations.id", ondelete="CASCADE"), primary_key=True
    ),  # fmt: skip
    Column("status", String(8), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(64)),
)

# 审计记录: an append-only, hash-chained log of who did what (:mod:`.audit`). Ids are given
# by the writer under a lock (the previous id + 1), never by a sequence, so a rolled-back
# entry leaves no gap and a gap always means a deleted entry.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(255)),
    Column("action", String(64), nullable=False),
    Column("subject", String(512)),
    Column("before", JSON),
    Column("after", JSON),
    Column("detail", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_actor", "actor"),
    Index("ix_audit_log_subject", "subject"),
)
