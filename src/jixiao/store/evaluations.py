"""Stored self-evaluations (绩效自评): write one project's result, replacing the previous one,
and read them back. Kept beside :class:`~jixiao.store.Store` (which owns the engine) so the
store module itself stays about target tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .database import display_url, in_batches, write_failure
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
    return save_evaluations(store, [(row, items)])[0]


# Evaluations stored in one transaction (and one DELETE, one INSERT of each kind).
SAVE_BATCH = 500


def save_evaluations(
    store: Store, results: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]]
) -> list[int]:
    """Store evaluations (each a row and its indicators' rows), each replacing its
    project's previous one — one transaction per :data:`SAVE_BATCH`. Two of one project
    (department, project, year) in a run: the later is the one kept, as if stored in turn.
    Returns each result's id (a result replaced by a later one of the batch: the later's).
    """
    ids: list[int] = []
    for start in range(0, len(results), SAVE_BATCH):
        ids += _save_batch(store, results[start : start + SAVE_BATCH])
    return ids


def _key(row: dict[str, Any]) -> tuple[Any, Any, Any]:
    return row["department"], row["project"], row["year"]


def _save_batch(
    store: Store, results: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]]
) -> list[int]:
    now = datetime.now(UTC)
    last = {_key(storable(row)): n for n, (row, _) in enumerate(results)}
    kept = sorted(last.values())
    rows = [storable({**results[n][0], "evaluated_at": now}) for n in kept]
    try:
        with store.engine.begin() as conn:
            eids = list(
                conn.execute(
                    insert(evaluations).returning(evaluations.c.id, sort_by_parameter_order=True),
                    rows,
                ).scalars()
            )
            # The previous ones go after the new are in: every id given before these is
            # smaller, and a replaced evaluation never gets its old number back (SQLite
            # would reuse it if the rows were deleted first).
            older = evaluations.c.id < min(eids)
            for keys in in_batches(list(last), width=3):
                conn.execute(delete(evaluations).where(older, or_(*(_is(k) for k in keys))))
            items = [
                {**i, "evaluation_id": eid, "position": pos}
                for eid, n in zip(eids, kept, strict=True)
                for pos, i in enumerate(storable(results[n][1]))
            ]
            if items:
                conn.execute(insert(evaluation_items), items)
    except SQLAlchemyError as err:
        failure = write_failure(err, display_url(store.url), store.lock_timeout)
        names = "、".join(f"“{r['project']}”" for r in rows[:3]) + ("等" if len(rows) > 3 else "")
        raise StoreError(f"写入项目{names}的评价结果失败：{failure}") from None
    by_key = dict(zip((_key(r) for r in rows), eids, strict=True))
    return [by_key[_key(storable(row))] for row, _ in results]


def _is(key: tuple[Any, Any, Any]) -> Any:
    department, project, year = key
    return and_(
        _same(evaluations.c.department, department),
        evaluations.c.project == project,
        _same(evaluations.c.year, year),
    )


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
