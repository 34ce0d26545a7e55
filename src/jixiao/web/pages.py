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
from ..findings import Finding, Severity
from ..model import TargetTable
from ..query import Page, TableQuery
from ..store import Store, TableSummary
from .auth import NotAllowed, signed_in

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
#: Tables a review page reads at most without a department or year to narrow it.
REVIEW_LIMIT = 5_000
MAX_UPLOAD_FILES = 200


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    from .auth import viewer

    templates = request.app.state.templates
    ctx = {"csrf": request.state.csrf, "path": request.url.path, "viewer": viewer(request),
           **context}  # fmt: skip
    response: Response = templates.TemplateResponse(request, name, ctx, status_code=status)
    return response


def _partial(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- 总览 ----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, year: int | None = None) -> Response:
    from fastapi.responses import RedirectResponse

    from .auth import viewer

    if viewer(request).public:
        return RedirectResponse("/public", status_code=303)
    v = signed_in(request)
    store = _store(request)
    years = store.years()
    if year is None and years:
        year = years[0]
    ov = service.overview(store, year, request.app.state.config, v.scope())
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
    errors: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    v = signed_in(request)
    store = _store(request)
    year_n = _year(year)
    query = service.visible_query(v, _query(q, department, year_n, kind, layout, sort, desc, page))
    if errors:
        result, worst = _with_errors(request, query)
    else:
        result = service.select_tables(store, query)
        # The worst finding of each table on the page (its own rules).
        worst = _worst(request, [s.id for s in result.items])
    pages = max(1, -(-result.total // PAGE_SIZE))
    ctx = {
        "result": result, "worst": worst, "q": q or "", "department": department or "",
        "year": year_n, "kind": kind or "", "layout": layout or "", "sort": sort, "desc": desc,
        "page": page, "pages": pages, "years": store.years(),
        "errors": errors,
        "params": _params(q=q, department=department, year=year_n, kind=kind, layout=layout,
                          sort=sort, desc=desc or None, errors=errors or None),
    }  # fmt: skip
    name = "_tables_rows.html" if _partial(request) else "tables.html"
    return _render(request, name, ctx)


_WORST_MAX = 200_000


def _worst(request: Request, ids: list[int]) -> dict[int, Finding | None]:
    """The worst finding of each table (its own rules), the page reviewed in one pass.

    Kept on the application, by table number, while the store is unchanged (the audit
    trail's newest entry moves with every import, replacement or correction): listings
    show it on every page, and reviewing the page's fifty tables each time is most of
    their cost.
    """
    store, config = _store(request), request.app.state.config
    cache = request.app.state.worst
    generation = store.audit_generation()
    found: dict[int, Finding | None] = cache["found"]
    if cache["generation"] != generation or len(found) > _WORST_MAX:
        found.clear()
        cache["generation"] = generation
    missing = [i for i in ids if i not in found]
    if missing:
        tables = store.tables_by_id(missing)
        present = [i for i in missing if i in tables]
        got = service.worst_findings([tables[i] for i in present], config)
        found.update(zip(present, got, strict=True))
    return {i: found[i] for i in ids if i in found}


def _with_errors(
    request: Request, query: TableQuery
) -> tuple[Page[TableSummary], dict[int, Finding | None]]:
    """The page of tables that have an error finding: selected tables are reviewed in order
    (at most :data:`REVIEW_LIMIT`; narrow by department or year beyond that)."""
    store = _store(request)
    everything = store.summaries(query.model_copy(update={"limit": REVIEW_LIMIT, "offset": 0}))
    hits: list[TableSummary] = []
    worst: dict[int, Finding | None] = {}
    for start in range(0, len(everything), 200):
        part = everything[start : start + 200]
        found = _worst(request, [s.id for s in part])
        for s in part:
            w = found.get(s.id)
            if w is not None and w.severity is Severity.ERROR:
                hits.append(s)
                worst[s.id] = w
    limit = query.limit or PAGE_SIZE
    items = hits[query.offset : query.offset + limit]
    return Page[TableSummary](items=items, total=len(hits), offset=query.offset, limit=limit), {
        s.id: worst[s.id] for s in items
    }


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
    v = signed_in(request)
    query = _query(q, department, _year(year), kind, layout, "source", False, 1).model_copy(
        update={"limit": None, "offset": 0}
    )
    query = service.visible_query(v, query)
    service.audit(_store(request), v.name, "export", "tables", detail=f"{fmt} {query}")
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
    table = visible_table(request, table_id)
    if table is None:
        return _render(request, "error.html", {"message": f"没有编号为 {table_id} 的目标表"}, 404)
    return _render(request, "table.html", _table_context(request, table_id, table))


def visible_table(request: Request, table_id: int) -> TargetTable | None:
    """The table, if the signed-in viewer may see it (else None: as if there were none)."""
    v = signed_in(request)
    store = _store(request)
    table = service.table_by_id(store, table_id)
    if table is None or not service.may_see(store, v, table, table_id):
        return None
    return table


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
    from .auth import viewer

    v = viewer(request)
    others = [s for s in service.filings_of(store, table).items if s.id != table_id]
    others = [s for s in others if v.sees(s.department)]
    status = service.status_of(store, table)
    from ..store.workflow import key_of

    fid = store.filing_id(key_of(table))
    marks = store.marks(fid) if fid is not None else {}
    comments = store.comments(fid) if fid is not None else []
    versions = service.version_ids(store, table)
    return {
        "viewer": v, "status": status, "finding_marks": marks, "comments": comments,
        "versions": versions,
        "can_file": v.files_for(table.department), "can_review": v.reviews(table.department),
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
    v = signed_in(request)
    store = _store(request)
    before = service.table_by_id(store, table_id)
    if before is None or not (v.files_for(before.department) or v.reviews(before.department)):
        raise NotAllowed("没有权限更正这张表的指标类别")
    level1, _, level2 = level.partition("/")
    table = service.correct_levels(store, table_id, position, level1, level2, actor=v.name)
    return _render(request, "_table_body.html", _table_context(request, table_id, table))


@router.get("/tables/{table_id}/source")
def table_source(request: Request, table_id: int) -> Response:
    from urllib.parse import quote

    from fastapi.responses import FileResponse

    v = signed_in(request)
    store = _store(request)
    table = service.table_by_id(store, table_id)
    if table is not None and not service.may_see(store, v, table, table_id):
        table = None
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
    _uploader(request)
    return _render(request, "import.html", {"limit_mb": service.MAX_UPLOAD_BYTES >> 20})


def uploads(request: Request, files: list[UploadFile]) -> Any:
    """Uploaded documents imported as the viewer may: a department only its own tables."""
    v = _uploader(request)
    return service.import_uploads(
        _store(request),
        [(f.filename or "upload", f.file) for f in files[:MAX_UPLOAD_FILES]],
        department=v.department if v.role == "department" else None,
        actor=v.name,
    )


@router.post("/import", response_class=HTMLResponse)
def import_upload(request: Request, files: list[UploadFile]) -> Response:
    report = uploads(request, files)
    refused_extra = max(0, len(files) - MAX_UPLOAD_FILES)
    return _render(request, "_import_result.html", {"report": report, "extra": refused_extra})


def _uploader(request: Request) -> Any:
    """Uploads are a department's (its own tables) or an administrator's."""
    v = signed_in(request)
    if v.role not in ("admin", "department"):
        raise NotAllowed("只有部门填报用户和管理员可以导入")
    return v


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
    query = service.visible_query(signed_in(request), TableQuery(department=department or None,
                                                                 year=year))  # fmt: skip
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
    v = signed_in(request)
    store = _store(request)
    records = [r for r in service.list_evaluations(store) if v.sees(r.department)]
    steps = {r.id: store.evaluation_status(r.id) for r in records}
    return _render(request, "selfeval.html", {
        "departments": _departments(store, v), "records": records, "steps": steps,
    })  # fmt: skip


def _departments(store: Store, v: Any) -> list[str]:
    return [d for d in store.departments() if v.sees(d)]


@router.get("/{kind}/template.xlsx")
def template_download(
    request: Request,
    kind: str,
    department: str | None = None,
    month: Annotated[int | None, Query(ge=1, le=12)] = None,
) -> Response:
    v = signed_in(request)
    if kind not in ("selfeval", "monitor"):
        return _render(request, "error.html", {"message": "没有这种模板"}, 404)
    if v.role == "department":
        department = v.department
    elif department and not v.sees(department):
        raise NotAllowed("没有权限下载这个部门的表")
    elif not department and v.scope() is not None:
        raise NotAllowed("请选择你负责的部门")
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
    v = signed_in(request)
    with _saved(files) as paths:
        run = service.evaluate_for(_store(request), v, paths, settings)
    return _render(request, "_selfeval_result.html", {
        "run": run, "names": {p: f.filename for p, f in zip(paths, files, strict=False)},
    })  # fmt: skip


@router.get("/monitor", response_class=HTMLResponse)
def monitor_page(request: Request) -> Response:
    v = signed_in(request)
    return _render(request, "monitor.html", {"departments": _departments(_store(request), v)})


@router.post("/monitor", response_class=HTMLResponse)
def monitor_upload(request: Request, files: list[UploadFile]) -> Response:
    from ..scoring import MonitoringSettings

    settings = MonitoringSettings.from_config(request.app.state.config)
    v = signed_in(request)
    with _saved(files) as paths:
        run = service.monitor(_store(request), paths, settings)
    run.reports = [r for r in run.reports if v.sees(r.department)]
    lights: dict[str, Counter[str]] = {}
    for r in run.reports:
        lights.setdefault(r.department or "（未注明部门）", Counter())[r.light or "none"] += 1
    return _render(request, "_monitor_result.html", {"run": run, "lights": lights})
