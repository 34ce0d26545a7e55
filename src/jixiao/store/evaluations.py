"""Stored self-evaluations (绩效自评): write one project's result, replacing the previous one,
and read them back. Kept beside :class:`~jixiao.store.Store` (which owns the engine) so the
store module itself stays about target tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .database import display_url, write_failure
from .schema import evaluation_items, evaluations, storable

if TYPE_CHECKING:
    from . import Store


@dataclass(frozen=True, slots=True)
class EvaluationRecord:
    """One stored evaluation, as ``jixiao`` lists it."""

    id: int
    department: str | None
    project: str
    year: int | None
    total: float
    grade: str | None
    execution_rate: float | None
    input_file: str
    evaluated_at: datetime


def _same(col: Any, v: Any) -> Any:
    return col.is_(None) if v is None else col == v


def save_evaluation(store: Store, row: dict[str, Any], items: list[dict[str, Any]]) -> int:
    """Store one project's evaluation (a row of ``evaluations`` and its indicators' rows),
    replacing that project's previous one, in one transaction."""
    row = storable({**row, "evaluated_at": datetime.now(UTC)})
    items = storable(items)
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(evaluations).where(and_(
                _same(evaluations.c.department, row["department"]),
                evaluations.c.project == row["project"],
                _same(evaluations.c.year, row["year"]),
            )))  # fmt: skip
            eid = int(
                conn.execute(insert(evaluations).returning(evaluations.c.id), row).scalar_one()
            )
            if items:
                conn.execute(
                    insert(evaluation_items),
                    [{**i, "evaluation_id": eid, "position": n} for n, i in enumerate(items)],
                )
    except SQLAlchemyError as err:
        failure = write_failure(err, display_url(store.url), store.lock_timeout)
        raise StoreError(f"写入项目“{row['project']}”的评价结果失败：{failure}") from None
    return eid


def list_evaluations_in(store: Store, *, department: str | None = None) -> list[EvaluationRecord]:
    """Stored evaluations by department and project."""
    q = select(evaluations).order_by(evaluations.c.department, evaluations.c.project)
    if department:
        q = q.where(evaluations.c.department.contains(department, autoescape=True))
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
    except SQLAlchemyError as err:
        raise StoreError(f"读取评价结果失败：{err}") from None
    return [
        EvaluationRecord(
            id=r["id"],
            department=r["department"],
            project=r["project"],
            year=r["year"],
            total=r["total"],
            grade=r["grade"],
            execution_rate=r["execution_rate"],
            input_file=r["input_file"],
            evaluated_at=r["evaluated_at"],
        )  # fmt: skip
        for r in rows
    ]


def evaluation_scores(
    store: Store, evaluation_id: int
) -> list[tuple[str, float | None, list[str]]]:
    """(indicator, score, flags) of one stored evaluation, in table order."""
    q = (
        select(evaluation_items.c.name, evaluation_items.c.score, evaluation_items.c.flags)
        .where(evaluation_items.c.evaluation_id == evaluation_id)
        .order_by(evaluation_items.c.position)
    )
    with store.engine.connect() as conn:
        return [(r[0], r[1], list(r[2] or [])) for r in conn.execute(q)]
