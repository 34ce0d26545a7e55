"""审批流程 in the store: each filing's status, the reviewer's comments, finding marks,
and the self-evaluation's steps.

A filing is one department's project in one year (the key a re-submission keeps); its
versions are the stored tables with that key. A table with no filing row is a 草稿.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select, update

from ..model import TargetTable
from .database import Database
from .schema import evaluation_steps, filing_comments, filings, finding_marks

DRAFT, SUBMITTED, RETURNED, APPROVED, PUBLISHED = "草稿", "已提交", "已退回", "已批准", "已公开"
Key = tuple[str, str, int]


def key_of(t: TargetTable) -> Key:
    return (t.department or "", t.project, t.year or 0)


@dataclass(frozen=True, slots=True)
class Comment:
    field: str | None
    comment: str
    author: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Mark:
    code: str
    field: str
    mark: str  # 采纳 | 不采纳
    reason: str | None
    author: str
    at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


class Workflow(Database):
    """Statuses, comments and marks of filings."""

    def statuses(self, keys: Iterable[Key]) -> dict[Key, str]:
        """The status of each filing asked for (草稿 where none was recorded)."""
        wanted = set(keys)
        if not wanted:
            return {}
        f = filings.c
        q = select(f.department, f.project, f.year, f.status).where(
            f.project.in_(sorted({k[1] for k in wanted}))
        )
        with self._read() as conn:
            got = {(d, p, y): s for d, p, y, s in conn.execute(q)}
        return {k: got.get(k, DRAFT) for k in wanted}

    def set_status(self, key: Key, status: str, actor: str | None) -> int:
        """Move a filing to a status (creating it); returns the filing's number."""
        f = filings.c
        dept, project, year = key
        with self.engine.begin() as conn:
            same = (f.department == dept) & (f.project == project) & (f.year == year)
            fid = conn.execute(select(f.id).where(same)).scalar_one_or_none()
            if fid is None:
                fid = conn.execute(insert(filings).returning(f.id), {
                    "department": dept, "project": project, "year": year, "status": status,
                    "updated_at": _now(), "updated_by": actor,
                }).scalar_one()  # fmt: skip
            else:
                conn.execute(update(filings).where(f.id == fid).values(
                    status=status, updated_at=_now(), updated_by=actor))  # fmt: skip
        return int(fid)

    def filing_id(self, key: Key) -> int | None:
        f = filings.c
        with self._read() as conn:
            same = (f.department == key[0]) & (f.project == key[1]) & (f.year == key[2])
            got = conn.execute(select(f.id).where(same)).scalar_one_or_none()
        return None if got is None else int(got)

    def published_keys(self) -> set[Key]:
        f = filings.c
        with self._read() as conn:
            q = select(f.department, f.project, f.year).where(f.status == PUBLISHED)
            return {(d, p, y) for d, p, y in conn.execute(q)}

    def add_comment(self, filing: int, field: str | None, comment: str, author: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(filing_comments), {"filing_id": filing, "field": field,
                                                   "comment": comment, "author": author,
                                                   "at": _now()})  # fmt: skip

    def comments(self, filing: int) -> list[Comment]:
        c = filing_comments.c
        with self._read() as conn:
            rows = conn.execute(select(c.field, c.comment, c.author, c.at)
                                .where(c.filing_id == filing).order_by(c.id)).all()  # fmt: skip
        return [Comment(*r) for r in rows]

    def mark_finding(
        self, filing: int, code: str, field: str | None, mark: str, reason: str | None,
        author: str,
    ) -> None:  # fmt: skip
        m = finding_marks.c
        with self.engine.begin() as conn:
            conn.execute(delete(finding_marks).where(
                m.filing_id == filing, m.code == code, m.field == (field or "")))  # fmt: skip
            conn.execute(insert(finding_marks), {
                "filing_id": filing, "code": code, "field": field or "", "mark": mark,
                "reason": reason, "author": author, "at": _now(),
            })  # fmt: skip

    def marks(self, filing: int) -> dict[tuple[str, str], Mark]:
        m = finding_marks.c
        with self._read() as conn:
            rows = conn.execute(select(m.code, m.field, m.mark, m.reason, m.author, m.at)
                                .where(m.filing_id == filing)).all()  # fmt: skip
        return {(r[0], r[1]): Mark(*r) for r in rows}

    def evaluation_status(self, evaluation_id: int) -> str | None:
        e = evaluation_steps.c
        with self._read() as conn:
            got = conn.execute(select(e.status).where(e.evaluation_id == evaluation_id))
            s = got.scalar_one_or_none()
        return None if s is None else str(s)

    def set_evaluation_status(self, evaluation_id: int, status: str, actor: str | None) -> None:
        e = evaluation_steps.c
        with self.engine.begin() as conn:
            conn.execute(delete(evaluation_steps).where(e.evaluation_id == evaluation_id))
            conn.execute(insert(evaluation_steps), {"evaluation_id": evaluation_id,
                                                    "status": status, "updated_at": _now(),
                                                    "updated_by": actor})  # fmt: skip
