"""Tables in the store: summaries by query, whole tables in batches, rows and back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    func,
    select,
    tuple_,
    union,
)

from ..model import Contact, Funds, Indicator, PublishedSelfEvaluation, Source, TargetTable
from ..query import TableQuery
from . import database
from .database import Database, in_batches
from .schema import documents, filings, indicators, storable, target_tables, too_long

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
        """Stored tables in document order, read in batches so memory stays flat.

        Chosen by ``ids`` (any number: never one IN list of them all) or by project.
        """
        q = _whole_tables()
        if project is not None:
            q = q.where(
                target_tables.c.project == project
                if exact
                else target_tables.c.project.contains(project, autoescape=True)
            )
        if ids is not None:
            for _, t in self._by_ids(q, ids, batch):
                yield t
            return
        with self._read() as conn:
            result = conn.execution_options(yield_per=batch).execute(q).mappings()
            for part in result.partitions(batch):
                for _, t in self._with_indicators(part):
                    yield t

    def tables_by_id(self, ids: Iterable[int]) -> dict[int, TargetTable]:
        """Stored tables by id, in document order (a batch of matched returns' tables)."""
        return dict(self._by_ids(_whole_tables(), ids, 500))

    def _by_ids(self, q: Any, ids: Iterable[int], batch: int) -> Iterator[tuple[int, TargetTable]]:
        # Each batch is a run of the ids in document order, so the query's own order
        # within it is the order across batches.
        for chunk in in_batches(self._in_document_order(ids), batch):
            with self._read() as conn:
                part = conn.execute(q.where(target_tables.c.id.in_(chunk))).mappings().all()
            yield from self._with_indicators(part)

    def _in_document_order(self, ids: Iterable[int]) -> list[int]:
        """The stored ones of ``ids``, in document order (the database's order of paths)."""
        t, d = target_tables.c, documents.c
        with self._read() as conn:
            found: list[Any] = []
            for chunk in in_batches(set(ids)):
                q = select(t.id, t.document_id, t.idx).where(t.id.in_(chunk))
                found += conn.execute(q).all()
            docs = {r.document_id for r in found}
            ranked = select(d.id).order_by(d.path)
            if (
                len(docs) <= database.IN_BATCH
            ):  # their documents alone; past one IN list, all of them
                ranked = ranked.where(d.id.in_(docs))
            rank = {doc: n for n, doc in enumerate(conn.execute(ranked).scalars())}
        found.sort(key=lambda r: (rank[r.document_id], r.idx))
        return [r.id for r in found]

    def _with_indicators(self, part: Sequence[Any]) -> Iterator[tuple[int, TargetTable]]:
        """A batch of table rows made whole: their indicators in one query."""
        by_id = {r["id"]: r for r in part}
        if not by_id:
            return
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
            yield tid, _table_of(r, inds[tid])

    def filings(
        self, keys: Iterable[tuple[str, str | None]]
    ) -> dict[tuple[str, str | None], list[Filing]]:
        """申报: the stored tables filed under each (project, department) key — by any
        department when it is None — as ids and sources, not whole tables, in document order.

        One indexed query per batch of keys: what a key costs does not depend on how
        many other departments filed a project of the same name.
        """
        wanted = set(keys)
        out: dict[tuple[str, str | None], list[Filing]] = {k: [] for k in wanted}
        t = target_tables.c
        base = (
            select(t.id, t.project, t.department, documents.c.name, t.idx)
            .join(documents, documents.c.id == t.document_id)
            .order_by(documents.c.path, t.idx)
        )
        keyed = sorted((p, d) for p, d in wanted if d)
        # An empty department is a table with none: matched by project, then in Python.
        loose = sorted({p for p, d in wanted if not d})
        with self._read() as conn:
            for pairs in in_batches(keyed, width=2):
                for r in conn.execute(base.where(tuple_(t.project, t.department).in_(pairs))):
                    out[(r.project, r.department)].append(_filing(r))
            for names in in_batches(loose):
                for r in conn.execute(base.where(t.project.in_(names))):
                    f = _filing(r)
                    if (r.project, None) in out:
                        out[(r.project, None)].append(f)
                    if (r.project, "") in out and not r.department:
                        out[(r.project, "")].append(f)
        return out

    def departments_of(self, project: str) -> list[str | None]:
        """The departments that filed a project of exactly this name."""
        t = target_tables.c
        q = select(t.department).where(t.project == project).distinct()
        with self._read() as conn:
            return list(conn.execute(q).scalars())

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


@dataclass(frozen=True, slots=True)
class Filing:
    """申报: one stored table as a return is matched to it — its id, key and source."""

    id: int
    project: str
    department: str | None
    file: str
    index: int


def _whole_tables() -> Any:
    """Tables with their documents' name and path, in document order."""
    return (
        select(target_tables, documents.c.name.label("file"), documents.c.path.label("path"))
        .join(documents, documents.c.id == target_tables.c.document_id)
        .order_by(documents.c.path, target_tables.c.idx)
    )


def _filing(r: Any) -> Filing:
    return Filing(r.id, r.project, r.department, r.name, r.idx)


def _summary_statement(q: TableQuery) -> Any:
    """The query behind ``jixiao list``: summaries in the query's order and page."""
    n_ind = (
        select(func.count()).where(indicators.c.table_id == target_tables.c.id).scalar_subquery()
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
        # The ids found in each column, united: each part can use its own index (on
        # PostgreSQL the trigram indexes of migration 0010), which an OR cannot.
        mine = target_tables.alias("searched")
        found = union(
            select(mine.c.id).where(mine.c.project.contains(q.search, autoescape=True)),
            select(mine.c.id).where(mine.c.department.contains(q.search, autoescape=True)),
            select(indicators.c.table_id).where(
                indicators.c.name.contains(q.search, autoescape=True)
            ),
        )
        stmt = stmt.where(t.id.in_(found.scalar_subquery()))
    if q.departments is not None:
        stmt = stmt.where(func.coalesce(t.department, "").in_(list(q.departments)))
    if q.published_only:
        f = filings.c
        stmt = stmt.where(
            select(f.id)
            .where(f.status == "已公开", f.project == t.project,
                   f.department == func.coalesce(t.department, ""),
                   f.year == func.coalesce(t.year, 0))
            .exists()
        )  # fmt: skip
        # Only the newest version of a filing is what was published.
        newer = target_tables.alias("newer")
        stmt = stmt.where(
            ~select(newer.c.id)
            .where(newer.c.project == t.project, newer.c.id > t.id,
                   func.coalesce(newer.c.department, "") == func.coalesce(t.department, ""),
                   func.coalesce(newer.c.year, 0) == func.coalesce(t.year, 0))
            .exists()
        )  # fmt: skip
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
    # The values as read (too_long does not count the NUL storable would drop): the rows
    # themselves are built once, when they are stored.
    found = too_long(target_tables, _table_values(0, 0, t))
    whose = ""
    if found is None:
        for n, ind in enumerate(t.indicators):
            found = too_long(indicators, _indicator_values(0, n, ind))
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
