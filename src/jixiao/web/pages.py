"""The pages (HTML, Chinese): overview, tables, one table, import, review, self-evaluation,
monitoring. Each handler reads its query, calls the service layer and renders a template;
htmx asks for the changing part of a page only (``HX-Request``), never a whole page.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from .. import service
from ..classify import classify_table
from ..errors import JixiaoError
from ..findings import Finding
from ..model import TargetTable
from ..query import TableQuery
from ..store import Store

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
#: Tables a review page reads at most without a department or year to narrow it.
REVIEW_LIMIT = 5_000
MAX_UPLOAD_FILES = 200


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates = request.app.state.templates
    ctx = {"csrf": request.state.csrf, "path": request.url.path, **context}
    response: Response = templates.TemplateResponse(request, name, ctx, status_code=status)
    return response


def _partial(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- 总览 ----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, year: int | None = None) -> Response:
    store = _store(request)
    years = store.years()
    if year is None and years:
        year = years[0]
    ov = service.overview(store, year, request.app.state.config)
    charts = {
        "departments": [[d, n] for d, n, _ in ov.departments[:20]],
        "severities": [[_SEVERITY_WORD[s], ov.severities.get(s, 0)] for s in _SEVERITY_WORD],
        "grades": [[g, n] for g, n in sorted(ov.grades.items())],
    }
    return _render(request, "overview.html", {"ov": ov, "charts": charts})


_SEVERITY_WORD = {"error": "错误", "warning": "警告", "info": "提示"}


# -- 目标表 ----------------------------------------------------------------------------


def _year(text: str | int | None) -> int | None:
    """A year from a form field: empty means any; anything else must be a year."""
    if text is None or text == "":
        return None
    try:
        y = int(text)
    except ValueError:
        raise JixiaoError(f"年度“{text}”不是年份") from None
    if not 1900 <= y <= 2100:
        raise JixiaoError(f"年度“{text}”不是年份")
    return y


def _query(
    search: str | None,
    department: str | None,
    year: int | None,
    kind: str | None,
    layout: str | None,
    sort: str,
    desc: bool,
    page: int,
) -> TableQuery:
    return TableQuery(
        search=search or None,
        department=department or None,
        year=year,
        kind=kind or None,
        layout=layout or None,
        sort=sort if sort in ("source", "project", "department", "funds", "year",
                              "indicators") else "source",
        descending=desc,
        limit=PAGE_SIZE,
        offset=(max(page, 1) - 1) * PAGE_SIZE,
    )  # fmt: skip


@router.get("/tables", response_class=HTMLResponse)
def tables_page(
    request: Request,
    q: str | None = None,
    department: str | None = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    kind: str | None = None,
    layout: str | None = None,
    sort: str = "source",
    desc: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    store = _store(request)
    year_n = _year(year)
    query = _query(q, department, year_n, kind, layout, sort, desc, page)
    result = service.select_tables(store, query)
    # The worst finding of each table on the page, by its own rules.
    tables = store.tables_by_id(s.id for s in result.items)
    ids = [s.id for s in result.items if s.id in tables]
    found = service.worst_findings([tables[i] for i in ids], request.app.state.config)
    worst = dict(zip(ids, found, strict=True))
    pages = max(1, -(-result.total // PAGE_SIZE))
    ctx = {
        "result": result, "worst": worst, "q": q or "", "department": department or "",
        "year": year_n, "kind": kind or "", "layout": layout or "", "sort": sort, "desc": desc,
        "page": page, "pages": pages, "years": store.years(),
        "params": _params(q=q, department=department, year=year_n, kind=kind, layout=layout,
                          sort=sort, desc=desc or None),
    }  # fmt: skip
    name = "_tables_rows.html" if _partial(request) else "tables.html"
    return _render(request, name, ctx)


def _params(**kw: Any) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in kw.items() if v not in (None, "")})


@router.get("/tables/download.{fmt}")
def tables_download(
    request: Request,
    fmt: str,
    q: str | None = None,
    department: str | None = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    kind: str | None = None,
    layout: str | None = None,
) -> Response:
    if fmt not in ("json", "csv", "xlsx"):
        raise JixiaoError("下载格式应为 json、csv 或 xlsx")
    query = _query(q, department, _year(year), kind, layout, "source", False, 1).model_copy(
        update={"limit": None, "offset": 0}
    )
    return _download(
        lambda out: service.export_tables(_store(request), fmt, out, query),  # type: ignore[arg-type]
        fmt,
        "目标表",
    )


_MEDIA = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(write: Any, fmt: str, stem: str) -> Response:
    """An output written by a service writer, sent as a file download."""
    from urllib.parse import quote

    if fmt == "xlsx":
        buf: Any = io.BytesIO()
        write(buf)
        data = buf.getvalue()
    else:
        text = io.StringIO(newline="" if fmt == "csv" else None)
        write(text)
        data = text.getvalue().encode("utf-8")
    name = quote(f"{stem}.{fmt}")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    return Response(data, media_type=_MEDIA[fmt], headers=headers)


@router.get("/tables/{table_id}", response_class=HTMLResponse)
def table_page(request: Request, table_id: int) -> Response:
    store = _store(request)
    table = service.table_by_id(store, table_id)
    if table is None:
        return _render(request, "error.html", {"message": f"没有编号为 {table_id} 的目标表"}, 404)
    return _render(request, "table.html", _table_context(request, table_id, table))


def _table_context(request: Request, table_id: int, table: TargetTable) -> dict[str, Any]:
    store = _store(request)
    findings = service.table_review(store, table, request.app.state.config)
    by_field: dict[str, list[Finding]] = {}
    for f in findings:
        key = f.location.field or "table"
        by_field.setdefault(key, []).append(f)
        # indicators[3].value also marks its row
        if key.startswith("indicators[") and "]" in key:
            by_field.setdefault(key.split("]")[0] + "]", []).append(f)
    others = [s for s in service.filings_of(store, table).items if s.id != table_id]
    return {
        "t": table, "table_id": table_id, "findings": findings, "by_field": by_field,
        "levels": classify_table(table), "others": others, "level_tree": service.LEVELS,
        "worst": max((f.severity.rank for f in findings), default=0),
        "severity_word": _SEVERITY_WORD,
    }  # fmt: skip


@router.post("/tables/{table_id}/levels", response_class=HTMLResponse)
def correct_levels(
    request: Request,
    table_id: int,
    position: Annotated[int, Form(ge=0, le=10_000)],
    level: Annotated[str, Form(max_length=64)],
) -> Response:
    level1, _, level2 = level.partition("/")
    table = service.correct_levels(_store(request), table_id, position, level1, level2)
    return _render(request, "_table_body.html", _table_context(request, table_id, table))


@router.get("/tables/{table_id}/source")
def table_source(request: Request, table_id: int) -> Response:
    from urllib.parse import quote

    from fastapi.responses import FileResponse

    store = _store(request)
    table = service.table_by_id(store, table_id)
    path = service.source_file(store, table) if table is not None else None
    if table is None or path is None:
        return _render(request, "error.html", {"message": "原文件已不在服务器上"}, 404)
    name = quote(table.source.file if table.source else os.path.basename(path))
    return FileResponse(
        path, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    )


# -- 导入 ------------------------------------------------------------------------------


@router.get("/import", response_class=HTMLResponse)
def import_page(request: Request) -> Response:
    return _render(request, "import.html", {"limit_mb": service.MAX_UPLOAD_BYTES >> 20})


@router.post("/import", response_class=HTMLResponse)
def import_upload(request: Request, files: list[UploadFile]) -> Response:
    report = service.import_uploads(
        _store(request), [(f.filename or "upload", f.file) for f in files[:MAX_UPLOAD_FILES]]
    )
    refused_extra = max(0, len(files) - MAX_UPLOAD_FILES)
    return _render(request, "_import_result.html", {"report": report, "extra": refused_extra})


# -- 审核 ------------------------------------------------------------------------------


def _review(
    request: Request,
    department: str | None,
    year: int | None,
    severity: str | None,
    rule: str | None,
) -> tuple[list[Finding], int, bool]:
    """Findings of the selected tables, filtered; (findings, tables read, cut short)."""
    store = _store(request)
    query = TableQuery(department=department or None, year=year)
    ids = [s.id for s in store.summaries(query.model_copy(update={"limit": REVIEW_LIMIT + 1}))]
    cut = len(ids) > REVIEW_LIMIT
    ids = ids[:REVIEW_LIMIT]
    tables = list(store.tables(ids=ids)) if ids else []
    found = service.review(tables, request.app.state.config)
    if severity:
        found = [f for f in found if f.severity.value == severity]
    if rule:
        found = [f for f in found if f.code.startswith(rule)]
    return found, len(tables), cut


@router.get("/review", response_class=HTMLResponse)
def review_page(
    request: Request,
    department: str | None = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    severity: str | None = None,
    rule: str | None = None,
) -> Response:
    year_n = _year(year)
    found, n, cut = _review(request, department, year_n, severity, rule)
    codes = Counter(f.code for f in found)
    ctx = {
        "findings": found[:1000], "shown_all": len(found) <= 1000, "total": len(found),
        "tables": n, "cut": cut, "limit": REVIEW_LIMIT, "codes": sorted(codes.items()),
        "department": department or "", "year": year_n, "severity": severity or "",
        "rule": rule or "", "years": _store(request).years(), "severity_word": _SEVERITY_WORD,
        "params": _params(department=department, year=year_n, severity=severity, rule=rule),
    }  # fmt: skip
    return _render(request, "review.html", ctx)


@router.get("/review/download.{fmt}")
def review_download(
    request: Request,
    fmt: str,
    department: str | None = None,
    year: Annotated[str | None, Query(max_length=4)] = None,
    severity: str | None = None,
    rule: str | None = None,
) -> Response:
    if fmt not in ("json", "csv", "xlsx"):
        raise JixiaoError("下载格式应为 json、csv 或 xlsx")
    found, _, _ = _review(request, department, _year(year), severity, rule)
    return _download(lambda out: service.export_findings(found, fmt, out), fmt, "审核意见")  # type: ignore[arg-type]


# -- 自评 / 监控 -------------------------------------------------------------------------


@router.get("/selfeval", response_class=HTMLResponse)
def selfeval_page(request: Request) -> Response:
    store = _store(request)
    records = service.list_evaluations(store)
    return _render(request, "selfeval.html", {
        "departments": store.departments(), "records": records,
    })  # fmt: skip


@router.get("/{kind}/template.xlsx")
def template_download(
    request: Request,
    kind: str,
    department: str | None = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> Response:
    if kind not in ("selfeval", "monitor"):
        return _render(request, "error.html", {"message": "没有这种模板"}, 404)
    from ..scoring import ScoringSettings

    settings = ScoringSettings.from_config(request.app.state.config)
    return _download(
        lambda out: service.write_template(
            _store(request), kind, out, department=department or None, month=month,  # type: ignore[arg-type]
            settings=settings,
        ),
        "xlsx",
        ("自评表" if kind == "selfeval" else "监控表") + (f"-{department}" if department else ""),
    )  # fmt: skip


@contextmanager
def _saved(files: list[UploadFile]) -> Iterator[list[str]]:
    """Uploaded returns as files on disk (the scoring reads paths), removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="jixiao-ret-") as tmp:
        paths = []
        for n, f in enumerate(files[:MAX_UPLOAD_FILES]):
            name = os.path.basename((f.filename or "return").replace("\\", "/"))
            path = os.path.join(tmp, f"{n}-{name}")
            service.save_upload(f.file, path)
            paths.append(path)
        yield paths


@router.post("/selfeval", response_class=HTMLResponse)
def selfeval_upload(request: Request, files: list[UploadFile]) -> Response:
    from ..scoring import ScoringSettings

    settings = ScoringSettings.from_config(request.app.state.config)
    with _saved(files) as paths:
        run = service.evaluate(_store(request), paths, settings)
    return _render(request, "_selfeval_result.html", {
        "run": run, "names": {p: f.filename for p, f in zip(paths, files, strict=False)},
    })  # fmt: skip


@router.get("/monitor", response_class=HTMLResponse)
def monitor_page(request: Request) -> Response:
    return _render(request, "monitor.html", {"departments": _store(request).departments()})


@router.post("/monitor", response_class=HTMLResponse)
def monitor_upload(request: Request, files: list[UploadFile]) -> Response:
    from ..scoring import MonitoringSettings

    settings = MonitoringSettings.from_config(request.app.state.config)
    with _saved(files) as paths:
        run = service.monitor(_store(request), paths, settings)
    lights: dict[str, Counter[str]] = {}
    for r in run.reports:
        lights.setdefault(r.department or "（未注明部门）", Counter())[r.light or "none"] += 1
    return _render(request, "_monitor_result.html", {"run": run, "lights": lights})
