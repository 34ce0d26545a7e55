"""公开目录: what has been published, for anyone, without signing in — searchable, readable
like the paper form, and downloadable as open data (CSV and a Frictionless Data Package)."""

from __future__ import annotations

import io
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from .. import service
from ..accounts import PUBLIC
from ..classify import classify_table
from ..query import TableQuery
from .pages import PAGE_SIZE, _params, _render, _store

router = APIRouter(include_in_schema=False)


def _published(q: str | None, department: str | None, page: int, limit: int | None) -> TableQuery:
    query = TableQuery(
        search=q or None,
        department=department or None,
        limit=limit,
        offset=(page - 1) * (limit or 0),
    )
    return service.visible_query(PUBLIC, query)


@router.get("/public", response_class=HTMLResponse)
def portal(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    store = _store(request)
    result = service.select_tables(store, _published(q, department, page, PAGE_SIZE))
    confirmed = [
        r for r in service.list_evaluations(store) if store.evaluation_status(r.id) == "已确认"
    ]
    return _render(
        request,
        "public.html",
        {
            "result": result,
            "q": q or "",
            "department": department or "",
            "page": page,
            "pages": max(1, -(-result.total // PAGE_SIZE)),
            "evaluations": confirmed,
            "params": _params(q=q, department=department),
        },
    )


@router.get("/public/tables/{table_id}", response_class=HTMLResponse)
def public_table(request: Request, table_id: int) -> Response:
    store = _store(request)
    table = service.table_by_id(store, table_id)
    if table is None or not service.may_see(store, PUBLIC, table, table_id):
        return _render(request, "error.html", {"message": "没有这张已公开的目标表"}, 404)
    return _render(
        request,
        "public_table.html",
        {"t": table, "table_id": table_id, "levels": classify_table(table)},
    )


def _all_published(request: Request, q: str | None, department: str | None) -> list:  # type: ignore[type-arg]
    store = _store(request)
    items = service.select_tables(store, _published(q, department, 1, None)).items
    found = store.tables_by_id(s.id for s in items)
    return [(s.id, found[s.id]) for s in items if s.id in found]


@router.get("/public/tables.csv")
def public_csv(request: Request, q: str | None = None, department: str | None = None) -> Response:
    from ..exports.datapackage import write_tables_csv

    buf = io.StringIO()
    write_tables_csv(_all_published(request, q, department), buf)
    return Response(
        buf.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=tables.csv"},
    )


@router.get("/public/datapackage.zip")
def public_package(request: Request) -> Response:
    from ..exports.datapackage import write_datapackage

    buf = io.BytesIO()
    write_datapackage(_all_published(request, None, None), buf)
    return Response(
        buf.getvalue(),
        media_type="application/zip",
        headers={"Content-Disposition": "attachment; filename=jixiao-published.zip"},
    )
