"""The store: SQLite embedded by default, PostgreSQL for shared deployments.

:class:`Store` is the one place that reads and writes the database; the CLI,
the API and the pages all go through it. Opening a store brings its schema up
to date with the Alembic migrations shipped in this package.

A database is named by a URL (``sqlite:///path.db``, ``postgresql://…``) or a
plain file path for SQLite; ``JIXIAO_DB`` is used when none is given, else
``./jixiao.db``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from ..errors import StoreError
from ..model import Contact, Funds, Indicator, PublishedSelfEvaluation, Source, TargetTable
from ..query import TableQuery
from .schema import documents, indicators, metadata, target_tables

DEFAULT_DB = "jixiao.db"
MIGRATIONS = Path(__file__).with_name("migrations")


def resolve_url(db: str | None) -> str:
    """``None`` → ``$JIXIAO_DB`` or ``./jixiao.db``; a plain path → SQLite;
    ``postgresql://`` → the psycopg 3 driver."""
    db = db or os.environ.get("JIXIAO_DB") or DEFAULT_DB
    if "://" not in db:
        return "sqlite:///" + os.path.abspath(db)
    if db.startswith("postgres://"):
        db = "postgresql://" + db[len("postgres://") :]
    if db.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy's default for the bare scheme is psycopg2.
        db = "postgresql+psycopg://" + db[len("postgresql://") :]
    return db


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """文档: one imported file as the store knows it."""

    id: int
    path: str
    name: str
    format: str
    sha256: str
    table_count: int
    problems: list[str]


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


class Store:
    """存储: the database of imported documents, tables and indicators."""

    def __init__(self, db: str | None = None, *, migrate: bool = True) -> None:
        self.url = resolve_url(db)
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (ArgumentError, ImportError) as e:
            raise StoreError(f"无法识别的数据库地址 {display_url(self.url)}：{e}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        if migrate:
            self.migrate()

    # -- schema -----------------------------------------------------------------------
    def require_current(self) -> None:
        """For a read: the database must exist and be at the newest migration.

        A read never creates or migrates a database; it says in one line what to do.
        """
        from alembic.runtime.migration import MigrationContext

        where = display_url(self.url)
        if self.engine.dialect.name == "sqlite":
            path = self.engine.url.database
            if path and path != ":memory:" and not os.path.exists(path):
                raise StoreError(f"数据库 {where} 不存在（先用 jixiao import 导入，或检查 --db）")
        head, known = _revisions()
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError as e:
            raise StoreError(f"无法打开数据库 {where}：{_short(e)}") from None
        if current == head:
            return
        if current is None:
            raise StoreError(f"数据库 {where} 还没有 jixiao 的表（先用 jixiao import 导入）")
        if current not in known:
            raise StoreError(
                f"数据库 {where} 由更新版本的 jixiao 创建（版本 {current}），请升级 jixiao"
            )
        raise StoreError(f"数据库 {where} 需要升级：运行 jixiao db upgrade --db …")

    def migrate(self) -> None:
        """Bring the schema to the newest migration (a no-op when it is already there)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        try:
            with self.engine.begin() as conn:
                if MigrationContext.configure(conn).get_current_revision() == head:
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as e:
            raise StoreError(f"无法打开数据库 {display_url(self.url)}：{_short(e)}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- documents --------------------------------------------------------------------
    def document(
        self, *, path: str | None = None, sha256: str | None = None
    ) -> DocumentRecord | None:
        q = select(documents)
        if path is not None:
            q = q.where(documents.c.path == path)
        if sha256 is not None:
            q = q.where(documents.c.sha256 == sha256)
        with self._read() as conn:
            row = conn.execute(q.limit(1)).mappings().first()
        if row is None:
            return None
        return DocumentRecord(
            id=row["id"],
            path=row["path"],
            name=row["name"],
            format=row["format"],
            sha256=row["sha256"],
            table_count=row["table_count"],
            problems=list(row["problems"] or []),
        )

    def replace_document(
        self,
        *,
        path: str,
        name: str,
        format: str,
        sha256: str,
        size: int,
        tables: Sequence[TargetTable],
        problems: Sequence[str] = (),
    ) -> None:
        """Store a file's tables, replacing whatever that file held before, in one transaction."""
        now = datetime.now(UTC)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(documents).where(documents.c.path == path))
                doc_id = conn.execute(
                    insert(documents).returning(documents.c.id),
                    {
                        "path": path,
                        "name": name,
                        "format": format,
                        "sha256": sha256,
                        "size": size,
                        "imported_at": now,
                        "table_count": len(tables),
                        "problems": list(problems),
                    },
                ).scalar_one()
                self._insert_tables(conn, doc_id, tables)
        except SQLAlchemyError as e:
            raise StoreError(f"写入数据库失败（{name}）：{_short(e)}") from None

    def _insert_tables(self, conn: Connection, doc_id: int, tables: Sequence[TargetTable]) -> None:
        if not tables:
            return
        rows = [_table_row(doc_id, n, t) for n, t in enumerate(tables)]
        ids = (
            conn.execute(
                insert(target_tables).returning(target_tables.c.id, sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
        ind_rows = [
            _indicator_row(tid, pos, ind)
            for tid, t in zip(ids, tables, strict=True)
            for pos, ind in enumerate(t.indicators)
        ]
        if ind_rows:
            conn.execute(insert(indicators), ind_rows)

    def documents(self) -> list[DocumentRecord]:
        with self._read() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.path)).mappings().all()
        return [
            DocumentRecord(
                id=r["id"],
                path=r["path"],
                name=r["name"],
                format=r["format"],
                sha256=r["sha256"],
                table_count=r["table_count"],
                problems=list(r["problems"] or []),
            )
            for r in rows
        ]

    # -- tables -----------------------------------------------------------------------
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

    def _read(self) -> Connection:
        try:
            return self.engine.connect()
        except SQLAlchemyError as e:
            raise StoreError(f"无法连接数据库 {display_url(self.url)}：{_short(e)}") from None


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


def _revisions() -> tuple[str | None, set[str]]:
    """The newest migration and every revision this version of jixiao knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    return script.get_current_head(), {r.revision for r in script.walk_revisions()}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    # WAL lets readers (the web app) go on while an import writes; NORMAL is safe with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _short(e: Exception) -> str:
    s = str(getattr(e, "orig", None) or e).strip().splitlines()
    return s[0] if s else type(e).__name__


def _table_row(doc_id: int, n: int, t: TargetTable) -> dict[str, Any]:
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
    }


def _indicator_row(table_id: int, pos: int, i: Indicator) -> dict[str, Any]:
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


__all__ = ["DocumentRecord", "Store", "TableSummary", "metadata", "resolve_url"]
