"""Tables in the store: summaries by query, whole tables in batches, rows and back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    func,
    or_,
    select,
    tuple_,
)

from ..model import Contact, Funds, Indicator, PublishedSelfEvaluation, Source, TargetTable
from ..query import TableQuery
from .database import Database
from .schema import documents, indicators, storable, target_tables, too_long

BATCH = 500  # tables read per query when a whole store is streamed


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
        with self._read() as conn:
            return [_summary_of(r) for r in conn.execute(_summary_statement(q))]

    def iter_summaries(self, query: TableQuery, *, batch: int = 500) -> Iterator[TableSummary]:
        """Summaries of the tables a query selects, streamed (fetched ``batch`` rows at a
        time): a listing of the whole store never sits in memory."""
        with self._read() as conn:
            result = conn.execution_options(yield_per=batch).execute(_summary_statement(query))
            for part in result.partitions(batch):
                yield from (_summary_of(r) for r in part)

    def count_selected(self, query: TableQuery) -> int:
        """How many tables a query selects, ignoring its page."""
        stmt = _filtered(
            select(func.count())
            .select_from(target_tables)
            .join(documents, documents.c.id == target_tables.c.document_id),
            query,
        )
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
        with self._read() as conn:
            result = conn.execution_options(yield_per=batch).execute(q).mappings()
            for part in result.partitions(batch):
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

    def table_batches(
        self, query: TableQuery | None = None, *, batch: int = BATCH
    ) -> Iterator[list[tuple[int, TargetTable]]]:
        """The tables a query selects (its filters; not its order or page), as (id, table)
        in document order, ``batch`` at a time.

        Keyset paging: each batch is one short query for the tables after the last one
        of the batch before (by document path, then position in the document), so
        memory stays flat at any store size and no read stays open while a batch is
        reviewed or written.
        """
        q = query or TableQuery()
        key = tuple_(documents.c.path, target_tables.c.idx)
        stmt = _filtered(
            select(target_tables, documents.c.name.label("file"), documents.c.path.label("path"))
            .join(documents, documents.c.id == target_tables.c.document_id)
            .order_by(documents.c.path, target_tables.c.idx)
            .limit(batch),
            q,
        )
        after: tuple[str, int] | None = None
        while True:
            with self._read() as conn:
                page = stmt if after is None else stmt.where(key > tuple_(*after))
                rows = conn.execute(page).mappings().all()
                if not rows:
                    return
                inds: dict[int, list[Indicator]] = {r["id"]: [] for r in rows}
                iq = (
                    select(indicators)
                    .where(indicators.c.table_id.in_(list(inds)))
                    .order_by(indicators.c.table_id, indicators.c.position)
                )
                for ir in conn.execute(iq).mappings():
                    inds[ir["table_id"]].append(_indicator_of(ir))
            yield [(r["id"], _table_of(r, inds[r["id"]])) for r in rows]
            after = (rows[-1]["path"], rows[-1]["idx"])
            if len(rows) < batch:
                return

    def table(self, table_id: int) -> TargetTable | None:
        """One stored table by its id."""
        return next(iter(self.tables(ids=[table_id])), None)


def _summary_statement(q: TableQuery) -> Any:
    """The query behind ``jixiao list``: summaries in the query's order and page."""
    n_ind = (
        select(func.count()).where(indicators.c.table_id == target_tables.c.id).scalar_subquery()
    )
    stmt = _filtered(
        select(
            target_tables.c.id,
            documents.c.name,
            target_tables.c.idx,
            target_tables.c.department,
            target_tables.c.project,
            target_tables.c.funds_total,
            target_tables.c.money_unit,
            n_ind.label("n"),
        ).join(documents, documents.c.id == target_tables.c.document_id),
        q,
    )
    orders: dict[str, list[Any]] = {
        "source": [documents.c.path, target_tables.c.idx],
        "project": [target_tables.c.project, target_tables.c.id],
        "department": [target_tables.c.department, target_tables.c.project],
        "funds": [target_tables.c.funds_total, target_tables.c.id],
        "year": [target_tables.c.year, target_tables.c.id],
        "indicators": [n_ind, target_tables.c.id],
    }
    order = orders[q.sort]
    stmt = stmt.order_by(*([c.desc() for c in order] if q.descending else order))
    if q.limit is not None:
        stmt = stmt.limit(q.limit)
    if q.offset:
        stmt = stmt.offset(q.offset)
    return stmt


def _summary_of(r: Any) -> TableSummary:
    return TableSummary(
        id=r[0],
        file=r[1],
        index=r[2],
        department=r[3],
        project=r[4],
        total=r[5],
        money_unit=r[6],
        indicator_count=int(r[7]),
    )


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
        in_indicator = (
            select(indicators.c.id)
            .where(indicators.c.table_id == t.id)
            .where(indicators.c.name.contains(q.search, autoescape=True))
            .exists()
        )
        stmt = stmt.where(
            or_(
                t.project.contains(q.search, autoescape=True),
                t.department.contains(q.search, autoescape=True),
                in_indicator,
            )
        )
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
