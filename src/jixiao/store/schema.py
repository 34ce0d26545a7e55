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
    Index("ix_target_tables_project", "project"),
    Index("ix_target_tables_department", "department"),
    Index("ix_target_tables_year", "year"),
    # On PostgreSQL, migration 0007_web adds trigram indexes (*_trgm) for substring search.
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
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [storable(v) for v in value]
    return value


def too_long(table: Table, row: dict[str, Any]) -> tuple[str, int, int] | None:
    """The first column of ``row`` longer than its ``String(n)``: (column, length, n)."""
    for name, value in row.items():
        if isinstance(value, str):
            limit = getattr(table.c[name].type, "length", None)
            if limit is not None and len(value) > limit:
                return name, len(value), limit
    return None


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
