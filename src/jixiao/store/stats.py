"""总览: what the store holds, counted — by department, by year, by grade.

Aggregates run in the database (``GROUP BY``), never by reading tables into memory, so
the overview page costs the same at 100 tables as at 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from .database import Database
from .schema import documents, evaluations, target_tables


@dataclass(frozen=True, slots=True)
class DepartmentCount:
    """One department's tables in a year and the funds they ask for (in their own units)."""

    department: str
    tables: int
    funds: float  # Σ 项目总资金额 as stated (tables in 元 and 万元 are not mixed up: see unit)
    unit: str


class Stats(Database):
    """Counts for the overview: departments, years, grades."""

    def document_count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(documents)).scalar_one())

    def years(self) -> list[int]:
        t = target_tables.c
        q = select(t.year).where(t.year.is_not(None)).distinct().order_by(t.year.desc())
        with self._read() as conn:
            return [int(y) for y in conn.execute(q).scalars()]

    def departments(self, year: int | None = None) -> list[str]:
        t = target_tables.c
        q = select(t.department).where(t.department.is_not(None)).distinct()
        if year is not None:
            q = q.where(t.year == year)
        with self._read() as conn:
            return sorted(str(d) for d in conn.execute(q).scalars())

    def by_department(
        self, year: int | None = None, departments: tuple[str, ...] | None = None
    ) -> list[DepartmentCount]:
        """Tables and funds per department (and money unit), most tables first."""
        t = target_tables.c
        dept = func.coalesce(t.department, "（未注明部门）")
        unit = func.coalesce(t.money_unit, "")
        q = select(dept, unit, func.count(), func.coalesce(func.sum(t.funds_total), 0)).group_by(
            dept, unit
        )
        if year is not None:
            q = q.where(t.year == year)
        if departments is not None:
            q = q.where(func.coalesce(t.department, "").in_(list(departments)))
        with self._read() as conn:
            rows = conn.execute(q).all()
        out = [DepartmentCount(str(d), int(n), float(s), str(u)) for d, u, n, s in rows]
        return sorted(out, key=lambda x: (-x.tables, x.department))

    def grades(
        self, year: int | None = None, departments: tuple[str, ...] | None = None
    ) -> dict[str, int]:
        """Stored self-evaluations by grade (未评级 for those without one)."""
        e = evaluations.c
        grade = func.coalesce(e.grade, "未评级")
        q = select(grade, func.count()).group_by(grade)
        if year is not None:
            q = q.where(e.year == year)
        if departments is not None:
            q = q.where(func.coalesce(e.department, "").in_(list(departments)))
        with self._read() as conn:
            return {str(g): int(n) for g, n in conn.execute(q).all()}
