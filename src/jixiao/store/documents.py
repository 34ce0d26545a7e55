"""Documents in the store: one row per imported file, replaced whole when it changes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    JSON,
    Connection,
    Table,
    delete,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from ..findings import Finding
from ..model import TargetTable
from .audit import Audit, AuditNote
from .database import display_url, write_failure
from .schema import documents, indicators, storable, target_tables, too_long
from .tables import _indicator_row, _table_row

if TYPE_CHECKING:
    import psycopg


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """文档: one imported file as the store knows it."""

    id: int
    path: str
    name: str
    format: str
    sha256: str
    table_count: int
    problems: list[Finding]  # why tables of it were refused, as found at import


class Documents(Audit):
    """文档: imported files and, in one transaction each, the tables they hold."""

    def document(
        self, *, path: str | None = None, sha256: str | None = None
    ) -> DocumentRecord | None:
        q = select(documents)
        if path is not None:
            q = q.where(documents.c.path == storable(path))
        if sha256 is not None:
            q = q.where(documents.c.sha256 == sha256)
        try:
            with self._read() as conn:
                row = conn.execute(q.limit(1)).mappings().first()
        except SQLAlchemyError as e:
            raise write_failure(e, display_url(self.url), self.lock_timeout) from None
        return None if row is None else _record(row)

    def lookup(self, *, path: str, sha256: str) -> tuple[DocumentRecord | None, bool]:
        """A file met again, in one query: the stored document with its content (if any),
        and whether a document is stored at its path."""
        q = (
            select(documents)
            .where(or_(documents.c.sha256 == sha256, documents.c.path == storable(path)))
            .order_by(documents.c.id)
        )
        try:
            with self._read() as conn:
                rows = conn.execute(q).mappings().all()
        except SQLAlchemyError as e:
            raise write_failure(e, display_url(self.url), self.lock_timeout) from None
        same = next((_record(r) for r in rows if r["sha256"] == sha256), None)
        return same, any(r["path"] == storable(path) for r in rows)

    def replace_document(
        self,
        *,
        path: str,
        name: str,
        format: str,
        sha256: str,
        size: int,
        tables: Sequence[TargetTable],
        problems: Sequence[Finding] = (),
        audit: AuditNote | None = None,
    ) -> None:
        """Store a file's tables, replacing whatever that file held before, in one transaction
        (with its audit entry, when there is one).

        Any database error rolls the whole file back and is one :class:`StoreError`
        (a lock waited on too long, a full disk, or what the database said).
        """
        row = storable({
            "path": path, "name": name, "format": format, "sha256": sha256, "size": size,
            "imported_at": datetime.now(UTC), "table_count": len(tables),
            "problems": [f.to_json() for f in problems],
        })  # fmt: skip
        self._fits(row)
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(documents).where(documents.c.path == path))
                doc_id = conn.execute(insert(documents).returning(documents.c.id), row).scalar_one()
                self._insert_tables(conn, doc_id, tables)
                self.note(audit, conn)
        except SQLAlchemyError as e:
            raise write_failure(e, display_url(self.url), self.lock_timeout) from None

    def move_document(
        self, doc_id: int, *, path: str, name: str, audit: AuditNote | None = None
    ) -> None:
        """A stored document found again under another path (renamed or moved): it is
        known there from now on; what another file held at that path is replaced."""
        row = storable({"path": path, "name": name})
        self._fits(row)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    delete(documents).where(documents.c.path == path, documents.c.id != doc_id)
                )
                conn.execute(update(documents).where(documents.c.id == doc_id).values(**row))
                self.note(audit, conn)
        except SQLAlchemyError as e:
            raise write_failure(e, display_url(self.url), self.lock_timeout) from None

    @staticmethod
    def _fits(row: dict[str, object]) -> None:
        found = too_long(documents, row)
        if found is not None:
            column, length, limit = found
            what = {"path": "路径", "name": "文件名"}.get(column, column)
            raise StoreError(f"{what}长 {length} 字，超过库中上限 {limit} 字，未导入")

    def _insert_tables(self, conn: Connection, doc_id: int, tables: Sequence[TargetTable]) -> None:
        if not tables:
            return
        rows = [_table_row(doc_id, n, t) for n, t in enumerate(tables)]
        if conn.dialect.name == "postgresql":
            _copy_tables(conn, rows, tables)
            return
        ids = (
            conn.execute(
                insert(target_tables).returning(target_tables.c.id, sort_by_parameter_order=True),
                rows,
            )
            .scalars()
            .all()
        )
        ind_rows = _indicator_rows(ids, tables)
        if ind_rows:
            conn.execute(insert(indicators), ind_rows)

    def documents(self) -> list[DocumentRecord]:
        with self._read() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.path)).mappings().all()
        return [_record(r) for r in rows]

    # -- tables -----------------------------------------------------------------------


def _record(r: Any) -> DocumentRecord:
    return DocumentRecord(
        id=r["id"],
        path=r["path"],
        name=r["name"],
        format=r["format"],
        sha256=r["sha256"],
        table_count=r["table_count"],
        problems=[Finding.from_json(x) for x in r["problems"] or []],
    )


def _indicator_rows(ids: Sequence[int], tables: Sequence[TargetTable]) -> list[dict[str, Any]]:
    return [
        _indicator_row(tid, pos, ind)
        for tid, t in zip(ids, tables, strict=True)
        for pos, ind in enumerate(t.indicators)
    ]


def _copy_tables(
    conn: Connection, rows: list[dict[str, Any]], tables: Sequence[TargetTable]
) -> None:
    """PostgreSQL: a file's tables and indicators by ``COPY``, in the open transaction.

    Multi-row INSERTs cost several times a COPY of the same rows (SQLAlchemy splits them
    into statements and binds every value). The tables' ids are taken from their sequence
    first, in one query, so the indicators can name them without a RETURNING.
    """
    ids = sorted(
        conn.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('target_tables', 'id'))"
                " FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        ).scalars()
    )
    _copy(conn, target_tables, [{"id": i, **r} for i, r in zip(ids, rows, strict=True)])
    _copy(conn, indicators, _indicator_rows(ids, tables))


def _copy(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Rows into a table by ``COPY … FROM STDIN`` on the connection's own transaction.

    JSON is written as SQLAlchemy writes it (``json.dumps``; ``None`` as JSON ``null``),
    so a table reads back the same whichever way it was stored.
    """
    if not rows:
        return
    columns = list(rows[0])
    json_columns = {c.name for c in table.c if isinstance(c.type, JSON)}
    encode = [c in json_columns for c in columns]
    dbapi = cast("psycopg.Connection[Any]", conn.connection.dbapi_connection)
    with (
        dbapi.cursor() as cur,
        cur.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for r in rows:
            copy.write_row([
                json.dumps(r[c]) if j else r[c] for c, j in zip(columns, encode, strict=True)
            ])  # fmt: skip
