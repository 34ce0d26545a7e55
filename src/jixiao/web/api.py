"""REST API under ``/api/v1``: the same use cases as the pages, as JSON.

Tables come out in the interchange form (``spec/target-table.md``), findings in their one
JSON shape, errors in one envelope ``{"error": {"code", "message", "location"}}``.
Listings page by offset with a stated maximum page size (:data:`MAX_PAGE`). The schema
is served at ``/api/openapi.json``, the docs at ``/api/docs``. A request that changes
anything from a program that is not a browser sends ``X-Requested-With`` (or the
``X-CSRF-Token`` a page has).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel

from .. import service
from ..classify import classify_table
from ..query import TableQuery
from ..store import Store
from .auth import signed_in, viewer

router = APIRouter(prefix="/api/v1", tags=["v1"])

MAX_PAGE = 200


class ErrorBody(BaseModel):
    code: str
    message: str
    location: str | None = None


class ErrorEnvelope(BaseModel):
    """Every error of the API, whatever its status."""

    error: ErrorBody


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorEnvelope, "description": "请求不能完成（原因见 message）"},
    401: {"model": ErrorEnvelope, "description": "须登录（或带 API 令牌）"},
    403: {"model": ErrorEnvelope, "description": "没有权限"},
    404: {"model": ErrorEnvelope, "description": "没有这个对象"},
    422: {"model": ErrorEnvelope, "description": "参数不合要求"},
}


class TableItem(BaseModel):
    """One line of a table listing (what ``jixiao list`` shows)."""

    id: int
    file: str
    index: int
    department: str | None
    project: str
    total: float | None
    money_unit: str | None
    indicator_count: int


class TablePage(BaseModel):
    items: list[TableItem]
    total: int
    offset: int
    limit: int


class FindingOut(BaseModel):
    code: str
    severity: Literal["error", "warning", "info"]
    project: str | None
    message: str
    location: dict[str, Any]


class TableOut(BaseModel):
    """One table: the interchange form, each indicator's levels and why, its findings."""

    id: int
    table: dict[str, Any]
    levels: list[dict[str, Any]]
    findings: list[FindingOut]


class FindingPage(BaseModel):
    items: list[FindingOut]
    total: int
    offset: int
    limit: int
    tables: int


class FileOutcomeOut(BaseModel):
    name: str
    status: str
    tables: int
    findings: list[FindingOut]


class ImportOut(BaseModel):
    files: list[FileOutcomeOut]
    tables: int
    refused: int


class EvaluationOut(BaseModel):
    id: int
    department: str | None
    project: str
    year: int | None
    total: float
    grade: str | None
    execution_rate: float | None


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _finding(f: Any) -> FindingOut:
    return FindingOut.model_validate(f.to_json())


@router.get("/tables", response_model=TablePage, responses=_ERRORS)
def list_tables(
    request: Request,
    q: Annotated[
        str | None, Query(max_length=200, description="项目、部门或指标名称中的文字")
    ] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    project: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    layout: Literal["district", "national", "flat"] | None = None,
    form: Annotated[str | None, Query(max_length=16)] = None,
    sort: Literal["source", "project", "department", "funds", "year", "indicators"] = "source",
    desc: bool = False,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> TablePage:
    """目标表 with filters, Chinese substring search, sorting and paging."""
    query = TableQuery(search=q, department=department, project=project, year=year, kind=kind,
                       layout=layout, form=form, sort=sort, descending=desc, limit=limit,
                       offset=offset)  # fmt: skip
    page = service.select_tables(_store(request), service.visible_query(viewer(request), query))
    items = [TableItem.model_validate(s, from_attributes=True) for s in page.items]
    return TablePage(items=items, total=page.total, offset=offset, limit=limit)


@router.get("/tables/{table_id}", response_model=TableOut, responses=_ERRORS)
def get_table(request: Request, table_id: Annotated[int, Path(ge=1, le=2**62)]) -> Any:
    """One table in the interchange form, with its levels and findings."""
    store = _store(request)
    table = service.table_by_id(store, table_id)
    if table is None or not service.may_see(store, viewer(request), table, table_id):
        return _not_found(f"没有编号为 {table_id} 的目标表")
    findings = service.table_review(store, table, request.app.state.config)
    return TableOut(
        id=table_id,
        table=table.to_json(),
        levels=[{"name": i.name, **c.to_json()}
                for i, c in zip(table.indicators, classify_table(table), strict=True)],
        findings=[_finding(f) for f in findings],
    )  # fmt: skip


def _not_found(message: str) -> Response:
    from fastapi.responses import JSONResponse

    return JSONResponse({"error": {"code": "not_found", "message": message, "location": None}},
                        status_code=404)  # fmt: skip


@router.get("/findings", response_model=FindingPage, responses=_ERRORS)
def list_findings(
    request: Request,
    department: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    severity: Literal["error", "warning", "info"] | None = None,
    rule: Annotated[str | None, Query(max_length=64)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
) -> FindingPage:
    """审核意见 of the selected tables (at most 5,000 tables a request: narrow by
    department or year), filtered by severity and rule."""
    from .pages import _review

    found, n, _ = _review(request, department, year, severity, rule)
    return FindingPage(items=[_finding(f) for f in found[offset : offset + limit]],
                       total=len(found), offset=offset, limit=limit, tables=n)  # fmt: skip


@router.post("/documents", response_model=ImportOut, responses=_ERRORS)
def upload_documents(request: Request, files: list[UploadFile]) -> ImportOut:
    """Import uploaded documents; each is read on its own and a bad one costs itself alone."""
    from .pages import uploads

    report = uploads(request, files)
    return ImportOut(
        files=[FileOutcomeOut(name=o.name, status=o.status, tables=o.tables,
                              findings=[_finding(x) for x in o.findings])
               for o in report.files],
        tables=report.tables,
        refused=sum(1 for o in report.files if o.status == "refused"),
    )  # fmt: skip


@router.post("/tables/{table_id}/steps/{action}", responses=_ERRORS)
def table_step(
    request: Request, table_id: Annotated[int, Path(ge=1, le=2**62)],
    action: Literal["submit", "return", "approve", "publish"], comment: str | None = None,
) -> dict[str, str]:  # fmt: skip
    """One step of the workflow: 提交 (submit), 退回 (return, with a comment), 批准, 公开."""
    v = signed_in(request)
    status = service.step(_store(request), v, table_id, action, [(None, comment or "")])
    return {"status": status}


@router.get("/evaluations", response_model=list[EvaluationOut], responses=_ERRORS)
def list_evaluations(
    request: Request, department: Annotated[str | None, Query(max_length=200)] = None
) -> list[EvaluationOut]:
    """Stored self-evaluations by department and project."""
    v = signed_in(request)
    records = service.list_evaluations(_store(request), department=department)
    return [EvaluationOut.model_validate(r, from_attributes=True) for r in records
            if v.sees(r.department)]  # fmt: skip


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/exports/tables", responses={
    200: {"content": {"application/json": {}, "text/csv": {}, _XLSX: {}}}, **_ERRORS,
})  # fmt: skip
def export_tables(
    request: Request,
    format: Literal["json", "csv", "xlsx"] = "json",
    q: Annotated[str | None, Query(max_length=200)] = None,
    department: Annotated[str | None, Query(max_length=200)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
) -> Response:
    """The selected tables as one file: JSON (interchange form), CSV or XLSX."""
    from .pages import _download

    v = viewer(request)
    query = service.visible_query(v, TableQuery(search=q, department=department, year=year))
    service.audit(_store(request), v.name, "export", "tables", detail=f"{format} {query}")
    return _download(
        lambda out: service.export_tables(_store(request), format, out, query), format, "目标表"
    )
