"""Tables in the store: summaries by query, whole tables in batches, rows and back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    func,
    select,
    union,
)

from ..model import Contact, Funds, Indicator, PublishedSelfEvaluation, Source, TargetTable
from ..query import TableQuery
from .database import Database
from .schema import documents, indicators, storable, target_tables, too_long


@dataclass(frozen=True, slots=True)
class TableSummary:
    """One line of ``jixiao list``."""

    id: int
    file: str
    index: int
    department: str | None
    project: str
    total: float | None
    money_unit: str | None
    indicator_count: int


class Tables(Database):
    """目标表: stored tables, queried, paged and read back in batches."""

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(target_tables)).scalar_one())

    def summaries(
        self,
        query: TableQuery | None = None,
        *,
        department: str | None = None,
        search: str | None = None,
    ) -> list[TableSummary]:
        """Summaries of the tables a query selects, in its order and page."""
        q = query or TableQuery(department=department, project=search)
        n_ind = (
            select(func.count())
            .where(indicators.c.table_id == target_tables.c.id)
            .scalar_subquery()
        )
        orders: dict[str, list[Any]] = {
            "source": [documents.c.path, target_tables.c.idx],
            "project": [target_tables.c.project, target_tables.c.id],
            "department": [target_tables.c.department, target_tables.c.project],
            "funds": [target_tables.c.funds_total, target_tables.c.id],
            "year": [target_tables.c.year, target_tables.c.id],
            "indicators": [n_ind, target_tables.c.id],
        }
        order = [c.desc() for c in orders[q.sort]] if q.descending else orders[q.sort]
        columns = select(
            target_tables.c.id,
            documents.c.name,
            target_tables.c.idx,
            target_tables.c.department,
            target_tables.c.project,
            target_tables.c.funds_total,
            target_tables.c.money_unit,
            n_ind.label("n"),
        ).join(documents, documents.c.id == target_tables.c.document_id)
        if q.limit is None:
            stmt = _filtered(columns, q).order_by(*order)
            if q.offset:
                stmt = stmt.offset(q.offset)
        else:
            # The page's ids first, then their columns: the indicator counts (and the rest)
            # are read for the rows of the page only, not for every row an offset skips.
            ids = _filtered(
                select(target_tables.c.id).join(
                    documents, documents.c.id == target_tables.c.document_id
                ),
                q,
            ).order_by(*order)
            page = ids.limit(q.limit).offset(q.offset or None).subquery("page")
            stmt = columns.join(page, page.c.id == target_tables.c.id).order_by(
                *order, target_tables.c.id
            )
        with self._read() as conn:
            return [
                TableSummary(
                    id=r[0],
                    file=r[1],
                    index=r[2],
                    department=r[3],
                    project=r[4],
                    total=r[5],
                    money_unit=r[6],
                    indicator_count=int(r[7]),
                )
                for r in conn.execute(stmt)
            ]

    def count_selected(self, query: TableQuery) -> int:
        """How many tables a query selects, ignoring its page."""
        # Every table belongs to a document: counting needs no join.
        stmt = _filtered(select(func.count()).select_from(target_tables), query)
        with self._read() as conn:
            return int(conn.execute(stmt).scalar_one())

    def tables(
        self,
        *,
        ids: Iterable[int] | None = None,
        project: str | None = None,
        exact: bool = False,
        batch: int = 500,
    ) -> Iterator[TargetTable]:
        """Stored tables in document order, read in batches so memory stays flat."""
        q = (
            select(target_tables, documents.c.name.label("file"), documents.c.path.label("path"))
            .join(documents, documents.c.id == target_tables.c.document_id)
            .order_by(documents.c.path, target_tables.c.idx)
        )
        if ids is not None:
            q = q.where(target_tables.c.id.in_(list(ids)))
        if project is not None:
            q = q.where(
                target_tables.c.project == project
                if exact
                else target_tables.c.project.contains(project, autoescape=True)
            )
        for part in self._parts(q, ids is not None, batch):
            if part:
                by_id = {r["id"]: r for r in part}
                inds: dict[int, list[Indicator]] = {i: [] for i in by_id}
                iq = (
                    select(indicators)
                    .where(indicators.c.table_id.in_(list(by_id)))
                    .order_by(indicators.c.table_id, indicators.c.position)
                )
                with self.engine.connect() as c2:
                    for ir in c2.execute(iq).mappings():
                        inds[ir["table_id"]].append(_indicator_of(ir))
                for tid, r in by_id.items():
                    yield _table_of(r, inds[tid])

    def _parts(self, q: Any, few: bool, batch: int) -> Iterator[Sequence[Any]]:
        """The rows of ``q`` in batches. Tables asked for by id (a page's, one table) are
        read at once and their connection given back before their indicators are read:
        under load, many threads each holding one connection and waiting for a second
        emptied the pool."""
        if few:
            with self._read() as conn:
                rows = conn.execute(q).mappings().all()
            for n in range(0, len(rows), batch):
                yield rows[n : n + batch]
            return
        with self._read() as conn:
            result = conn.execution_options(yield_per=batch).execute(q).mappings()
            yield from result.partitions(batch)

    def project_filings(self, project: str) -> list[tuple[int, str | None, int | None, str, int]]:
        """Every filing of a project by its exact name, in the order of :meth:`tables`:
        (id, department, year, document path, index) — no table read whole."""
        t = target_tables.c
        q = (
            select(t.id, t.department, t.year, documents.c.path, t.idx)
            .join(documents, documents.c.id == t.document_id)
            .where(t.project == project)
            .order_by(documents.c.path, t.idx)
        )
        with self._read() as conn:
            return [(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(q)]


def _filtered(stmt: Any, q: TableQuery) -> Any:
    """The WHERE of a table query; substrings are matched literally (no wildcards)."""
    t = target_tables.c
    if q.department:
        stmt = stmt.where(t.department.contains(q.department, autoescape=True))
    if q.project:
        stmt = stmt.where(
            t.project == q.project
            if q.exact_project
            else t.project.contains(q.project, autoescape=True)
        )
    if q.search:
        # The ids found in each column, united: each part can use its own index (on
        # PostgreSQL the trigram indexes of migration 0007_web), which an OR cannot.
        mine = target_tables.alias("searched")
        found = union(
            select(mine.c.id).where(mine.c.project.contains(q.search, autoescape=True)),
            select(mine.c.id).where(mine.c.department.contains(q.search, autoescape=True)),
            select(indicators.c.table_id).where(
                indicators.c.name.contains(q.search, autoescape=True)
            ),
        )
        stmt = stmt.where(t.id.in_(found.scalar_subquery()))
    for col, value in ((t.year, q.year), (t.kind, q.kind), (t.layout, q.layout), (t.form, q.form)):
        if value is not None:
            stmt = stmt.where(col == value)
    return stmt


# The columns a person knows by the form's own words, for messages.
_LABELS = {
    "region": "地区", "kind": "类别", "label": "表号", "department": "主管部门",
    "implementer": "实施单位", "project": "项目名称", "money_unit": "金额单位",
    "contact_name": "联系人", "contact_phone": "联系电话", "unit": "指标单位",
    "level1": "一级指标", "level2": "二级指标", "operator_written": "指标性质",
    "operator": "指标性质", "layout": "版式", "form": "表式",
}  # fmt: skip


def overlong(t: TargetTable) -> str | None:
    """Why a table cannot be stored whole: a field longer than its column (the same
    limit on SQLite as on PostgreSQL), in words a person can act on; None when it fits."""
    found = too_long(target_tables, _table_row(0, 0, t))
    whose = ""
    if found is None:
        for n, ind in enumerate(t.indicators):
            found = too_long(indicators, _indicator_row(0, n, ind))
            if found is not None:
                whose = f"第 {n + 1} 项指标的"
                break
    if found is None:
        return None
    column, length, limit = found
    return (
        f"{whose}{_LABELS.get(column, column)}长 {length} 字，超过库中上限 {limit} 字"
        "（多半是读错了栏目），此表未导入"
    )


def _table_row(doc_id: int, n: int, t: TargetTable) -> dict[str, Any]:
    return storable(_table_values(doc_id, n, t))  # type: ignore[no-any-return]


def _table_values(doc_id: int, n: int, t: TargetTable) -> dict[str, Any]:
    s = t.source
    return {
        "document_id": doc_id,
        "idx": s.index if s is not None else n,
        "first_line": s.first_line if s else None,
        "last_line": s.last_line if s else None,
        "page": s.page if s else None,
        "region": t.region,
        "year": t.year,
        "kind": t.kind,
        "label": t.label,
        "department": t.department,
        "implementer": t.implementer,
        "project": t.project,
        "execution_weight": t.execution_weight,
        "money_unit": t.money_unit,
        "funds_total": t.funds.total,
        "funds_superior": t.funds.superior,
        "funds_district": t.funds.district,
        "funds_other": t.funds.other,
        "overview": t.overview,
        "basis": t.basis,
        "goal": t.goal,
        "extra": dict(t.extra),
        "contact_name": t.contact.name,
        "contact_phone": t.contact.phone,
        "layout": t.layout,
        "form": t.form,
        "warnings": list(t.warnings) or None,
        "self_evaluation": t.self_evaluation.to_json() if t.self_evaluation else None,
        "form_fields": list(t.form_fields) if t.form_fields is not None else None,
    }


def _indicator_row(table_id: int, pos: int, i: Indicator) -> dict[str, Any]:
    return storable(_indicator_values(table_id, pos, i))  # type: ignore[no-any-return]


def _indicator_values(table_id: int, pos: int, i: Indicator) -> dict[str, Any]:
    return {
        "table_id": table_id,
        "position": pos,
        "name": i.name,
        "operator": i.operator,
        "value": i.value,
        "number": i.number,
        "unit": i.unit,
        "score": i.score,
        "core": i.core,
        "level1": i.level1,
        "level2": i.level2,
        "operator_written": i.operator_written,
    }


def _indicator_of(r: Any) -> Indicator:
    return Indicator.trusted(
        name=r["name"],
        operator=r["operator"],
        value=r["value"],
        number=r["number"],
        unit=r["unit"],
        score=r["score"],
        core=bool(r["core"]),
        level1=r["level1"],
        level2=r["level2"],
        operator_written=r["operator_written"],
    )


def _table_of(r: Any, inds: list[Indicator]) -> TargetTable:
    return TargetTable.trusted(
        region=r["region"],
        year=r["year"],
        kind=r["kind"],
        label=r["label"],
        department=r["department"],
        implementer=r["implementer"],
        project=r["project"],
        execution_weight=r["execution_weight"],
        money_unit=r["money_unit"],
        funds=Funds.trusted(
            total=r["funds_total"],
            superior=r["funds_superior"],
            district=r["funds_district"],
            other=r["funds_other"],
        ),
        overview=r["overview"],
        basis=r["basis"],
        goal=r["goal"],
        indicators=inds,
        extra=dict(r["extra"] or {}),
        contact=Contact.trusted(name=r["contact_name"], phone=r["contact_phone"]),
        layout=r["layout"],
        form=r["form"],
        warnings=tuple(r["warnings"] or ()),
        form_fields=tuple(r["form_fields"]) if r["form_fields"] is not None else None,
        self_evaluation=(
            PublishedSelfEvaluation.from_json(r["self_evaluation"])
            if r["self_evaluation"]
            else None
        ),
        source=Source.trusted(
            file=r["file"],
            index=r["idx"],
            path=r["path"],
            first_line=r["first_line"],
            last_line=r["last_line"],
            page=r["page"],
        ),
    )
