"""审核人更正: a reviewer's 一级/二级指标 for an indicator whose levels were inferred.

A correction is keyed by what a re-import keeps — the table's department, project and
year and the indicator's name — so it still applies when the document is imported
again (row ids change then). Tables read from the store carry their corrections: the
review and the self-evaluation use the reviewer's levels, marked as corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..model import TargetTable
from .audit import Audit, AuditNote
from .database import _short
from .schema import level_corrections

_Key = tuple[str, str, int, str]


def _key(t: TargetTable, indicator: str) -> _Key:
    return (t.department or "", t.project, t.year or 0, indicator)


class Corrections(Audit):
    """Reviewers' level corrections, written one at a time and applied to tables read."""

    def correct_levels(
        self,
        table: TargetTable,
        indicator: str,
        level1: str,
        level2: str,
        *,
        audit: AuditNote | None = None,
    ) -> None:
        """Store (or replace) a reviewer's levels for one indicator of a table (with its
        audit entry, when there is one, in the same transaction)."""
        dept, project, year, name = _key(table, indicator)
        c = level_corrections.c
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(level_corrections).where(
                        c.department == dept, c.project == project, c.year == year,
                        c.indicator == name,
                    )
                )  # fmt: skip
                conn.execute(
                    insert(level_corrections),
                    {"department": dept, "project": project, "year": year, "indicator": name,
                     "level1": level1, "level2": level2, "corrected_at": datetime.now(UTC)},
                )  # fmt: skip
                self.note(audit, conn)
        except SQLAlchemyError as e:
            raise StoreError(f"保存指标类别更正失败（{project}）：{_short(e)}") from None

    def with_corrections(
        self, tables: Iterable[TargetTable], batch: int = 500
    ) -> Iterator[TargetTable]:
        """The tables, each indicator a reviewer corrected carrying the reviewer's levels."""
        it = iter(tables)
        while chunk := list(islice(it, batch)):
            self.apply_corrections(chunk)
            yield from chunk

    def apply_corrections(self, tables: Sequence[TargetTable]) -> None:
        """Set reviewers' levels on these tables' indicators, in place (one query)."""
        found = self._corrections({t.project for t in tables})
        if not found:
            return
        for t in tables:
            for ind in t.indicators:
                got = found.get(_key(t, ind.name))
                if got is not None:
                    ind.level1, ind.level2 = got
                    ind.levels_corrected = True

    def _corrections(self, projects: set[str]) -> dict[_Key, tuple[str, str]]:
        if not projects:
            return {}
        c = level_corrections.c
        q = select(c.department, c.project, c.year, c.indicator, c.level1, c.level2).where(
            c.project.in_(sorted(projects))
        )
        with self._read() as conn:
            return {
                (r.department, r.project, r.year, r.indicator): (r.level1, r.level2)
                for r in conn.execute(q)
            }
