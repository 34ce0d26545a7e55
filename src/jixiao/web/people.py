"""Signing in and out, one's password and API tokens, the administrator's user page, and
the workflow's steps on a table (提交, 退回, 批准, 公开, finding marks, versions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import service
from ..accounts import ROLES
from ..errors import JixiaoError
from ..workflow import changes
from .auth import SESSION_COOKIE, NotAllowed, admin, signed_in
from .pages import _render, _store, _table_context, visible_table

router = APIRouter(include_in_schema=False)


def _go(request: Request, url: str) -> Response:
    """Navigate to ``url``: htmx is told to (``HX-Redirect``), a plain request redirected."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=200, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def _address(request: Request) -> str:
    return request.client.host if request.client else "?"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> Response:
    return _render(request, "sign_in.html", {"next": _safe_next(next), "error": None})


def _safe_next(url: str) -> str:
    # Only a path of this site: never an open redirect to another one.
    return url if url.startswith("/") and not url.startswith("//") else "/"


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    store = _store(request)
    try:
        token = service.sign_in(store, name, password, _address(request))
    except JixiaoError as e:
        ctx = {"next": _safe_next(next), "error": str(e), "name": name}
        # htmx swaps only a 2xx answer: the refusal is shown in the form, said in words.
        return _render(request, "_sign_in_form.html", ctx)
    target = "/password" if service.must_change_password(store, name) else _safe_next(next)
    response = _go(request, target)
    # A new random session on every sign-in (no fixation); the cookie is not readable by
    # scripts, never sent from another site, and only over HTTPS when the site is.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=service.SESSION_HOURS * 3600,
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.sign_out(_store(request), token)
    response = _go(request, "/public")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request) -> Response:
    v = signed_in(request)
    tokens = service.api_tokens(_store(request), v.name or "") if v.name != "本机" else []
    return _render(request, "password.html", {"v": v, "error": None, "tokens": tokens})


@router.post("/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    old: Annotated[str, Form(max_length=256)],
    new: Annotated[str, Form(max_length=256)],
) -> Response:
    from ..accounts import password_matches

    v = signed_in(request)
    store = _store(request)
    stored = store.password_hash(v.name or "")
    try:
        if stored is None or not password_matches(stored, old):
            raise JixiaoError("原密码不对")
        service.set_password(store, v.name or "", new, actor=v.name)
    except JixiaoError as e:
        return _render(request, "_password_form.html", {"v": v, "error": str(e)})
    # Changing the password ended every session: sign in again with the new one.
    response = _go(request, "/sign-in")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, token_id: int) -> Response:
    v = signed_in(request)
    service.revoke_api_token(_store(request), v.name or "", token_id)
    return _go(request, "/password")


@router.post("/tokens", response_class=HTMLResponse)
def add_token(
    request: Request, label: Annotated[str, Form(min_length=1, max_length=128)]
) -> Response:
    v = signed_in(request)
    token = service.new_api_token(_store(request), v.name or "", label)
    return _render(request, "_token.html", {"token": token, "label": label})


# -- 管理员：用户 -----------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    admin(request)
    return _users(request, None)


def _users(request: Request, created: tuple[str, str | None] | None) -> Response:
    store = _store(request)
    ctx = {"users": service.list_users(store), "roles": ROLES,
           "departments": store.departments(), "created": created}  # fmt: skip
    return _render(request, "users.html", ctx)


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    role: Annotated[str, Form(max_length=16)],
    department: Annotated[str, Form(max_length=255)] = "",
    departments: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    v = admin(request)
    store = _store(request)
    assigned = [d.strip() for d in departments.replace("，", ",").split(",") if d.strip()]
    once = service.add_user(
        store,
        name.strip(),
        role,
        department=department.strip() or None,
        departments=assigned,
        actor=v.name,
    )
    return _users(request, (name, once))


@router.post("/admin/users/{name}/departments", response_class=HTMLResponse)
def user_departments(
    request: Request, name: str, departments: Annotated[str, Form(max_length=4000)] = ""
) -> Response:
    v = admin(request)
    chosen = departments.replace("，", ",").split(",")
    service.assign_departments(_store(request), name, chosen, actor=v.name)
    return _go(request, "/admin/users")


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, actor: str | None = None, action: str | None = None,
    subject: str | None = None,
) -> Response:  # fmt: skip
    """审计记录, newest first, filtered; the whole trail downloadable, and checked."""
    admin(request)
    store = _store(request)
    entries = service.audit_entries(
        store, actor=actor or None, action=action or None, subject=subject or None,
        limit=200, newest_first=True,
    )  # fmt: skip
    report = service.audit_verify(store)
    return _render(request, "audit.html", {"entries": entries, "report": report,
                                           "actor": actor or "", "action": action or "",
                                           "subject": subject or ""})  # fmt: skip


@router.get("/admin/audit.{fmt}")
def audit_download(request: Request, fmt: str) -> Response:
    from .pages import _download

    v = admin(request)
    if fmt not in ("csv", "json", "xlsx"):
        raise JixiaoError("下载格式应为 csv、json 或 xlsx")
    store = _store(request)
    written: list[int] = []
    response = _download(
        lambda out: written.append(service.export_audit(store, fmt, out)),  # type: ignore[arg-type]
        fmt, "审计记录",
    )  # fmt: skip
    service.record_export(store, what="audit", fmt=fmt, query=None, rows=sum(written), by=v.name)
    return response


@router.get("/admin/settings", response_class=HTMLResponse)
def settings_page(request: Request) -> Response:
    """The settings in force (jixiao.toml): rules and scoring, as the review and the
    scoring use them. They are changed in the file, which a deployment keeps under its
    own change control, not from a page."""
    admin(request)
    from ..rules import settings as rule_settings
    from ..scoring.settings import ScoringSettings

    config = request.app.state.config
    rules = [(r.rule.code, r.enabled, r.severity.value, dict(r.params))
             for r in rule_settings(config)]  # fmt: skip
    scoring = ScoringSettings.from_config(config).model_dump()
    return _render(request, "settings.html",
                   {"config_path": config.path, "rules": rules, "scoring": scoring})  # fmt: skip


@router.post("/admin/users/{name}/disable", response_class=HTMLResponse)
def disable_user(request: Request, name: str) -> Response:
    v = admin(request)
    service.disable_user(_store(request), name, actor=v.name)
    return _go(request, "/admin/users")


# -- the workflow on a table -------------------------------------------------------------


@router.post("/tables/{table_id}/step/{action}", response_class=HTMLResponse)
async def table_step(request: Request, table_id: int, action: str) -> Response:
    form = await request.form()
    comments = [
        (str(k)[len("comment:") :] or None, str(val))
        for k, val in form.multi_items()
        if str(k).startswith("comment:")
    ]
    if form.get("comment"):  # one comment on the field chosen beside it (or the whole table)
        field = str(form.get("field") or "")[:128] or None
        comments.append((field, str(form["comment"])[:2000]))
    return await _in_thread(
        request, table_id, lambda v, store: service.step(store, v, table_id, action, comments)
    )


@router.post("/tables/{table_id}/mark", response_class=HTMLResponse)
async def table_mark(request: Request, table_id: int) -> Response:
    form = await request.form()
    code, field = str(form.get("code", ""))[:64], str(form.get("field", ""))[:128]
    mark, reason = str(form.get("mark", ""))[:8], str(form.get("reason", ""))[:2000]
    return await _in_thread(
        request,
        table_id,
        lambda v, store: service.mark_finding(
            store, v, table_id, code, field or None, mark, reason or None
        ),
    )


async def _in_thread(request: Request, table_id: int, act: Any) -> Response:
    from starlette.concurrency import run_in_threadpool

    def run() -> Response:
        v = signed_in(request)
        store = _store(request)
        act(v, store)
        table = service.table_by_id(store, table_id)
        assert table is not None
        return _render(request, "_table_body.html", _table_context(request, table_id, table))

    return await run_in_threadpool(run)


@router.get("/tables/{table_id}/changes", response_class=HTMLResponse)
def table_changes(request: Request, table_id: int) -> Response:
    table = visible_table(request, table_id)
    if table is None:
        raise NotAllowed(f"没有编号为 {table_id} 的目标表")
    store = _store(request)
    versions = service.versions(store, table)
    pairs = [
        (versions[n][0], versions[n + 1][0], changes(versions[n][1], versions[n + 1][1]))
        for n in range(len(versions) - 1)
    ]
    return _render(request, "changes.html", {"t": table, "table_id": table_id, "pairs": pairs})


@router.post("/selfeval/{evaluation_id}/{action}", response_class=HTMLResponse)
def selfeval_step(request: Request, evaluation_id: int, action: str) -> Response:
    v = signed_in(request)
    service.evaluation_step(_store(request), v, evaluation_id, action)
    return _go(request, "/selfeval")
