"""The web face: one FastAPI application serving the pages and the REST API.

Both are thin adapters over :mod:`jixiao.service`, as the command line is. Everything
the browser loads ships inside this package (``static/``: htmx, ECharts, Swagger UI):
government intranets have no internet. Every text from a document is data — Jinja2
escapes it — and every request that changes anything carries a cross-site request
forgery token (:class:`CsrfMiddleware`). Until accounts exist the server listens on the
loopback address only (``jixiao serve`` refuses any other).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.base import BaseHTTPMiddleware

from .. import service
from ..config import Config, load_config
from ..errors import JixiaoError

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = "jixiao_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Scripts and styles from this server only; ECharts sets inline styles on its elements.
_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'"
)


class CsrfMiddleware(BaseHTTPMiddleware):
    """Double-submit token: a random cookie, echoed in a header by every changing request.

    Pages send it from htmx (``hx-headers``). API clients that are not browsers may send
    ``X-Requested-With`` instead: a custom header cannot be sent cross-site without a
    CORS preflight, which this server never grants.
    """

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        request.state.csrf = token
        if request.method in UNSAFE:
            sent = request.headers.get(CSRF_HEADER)
            api_client = request.url.path.startswith("/api/") and request.headers.get(
                "X-Requested-With"
            )
            if not api_client and (
                not sent
                or not secrets.compare_digest(sent, token)
                or CSRF_COOKIE not in request.cookies
            ):
                return _refusal(request, 403, "csrf", "请求缺少有效的防伪令牌，请刷新页面后重试")
        response = await call_next(request)
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="strict")
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


def _refusal(request: Request, status: int, code: str, message: str) -> Response:
    """One error in the face the request came from: the API's envelope, or a page line."""
    if request.url.path.startswith("/api/"):
        return JSONResponse(
            {"error": {"code": code, "message": message, "location": None}}, status_code=status
        )
    return HTMLResponse(f'<p class="error" role="alert">{_esc(message)}</p>', status_code=status)


def _esc(s: str) -> str:
    from markupsafe import escape

    return str(escape(s))


def create_app(db: str | None = None, config: Config | None = None) -> FastAPI:
    """The application on the database ``db`` (migrated on start, as an import would)."""
    from .api import router as api_router
    from .pages import router as pages_router
    from .people import router as people_router
    from .portal import router as portal_router

    app = FastAPI(
        title="jixiao 绩效 API",
        version=service.version(),
        description="预算绩效目标表的导入、查询、审核与自评评分。",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = service.open_store(db, write=True)
    app.state.config = config if config is not None else load_config()
    app.state.worst = {"generation": None, "found": {}}  # see pages._worst
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["version"] = service.version()
    app.state.templates = templates
    app.add_middleware(CsrfMiddleware)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api_router)
    app.include_router(people_router)
    app.include_router(portal_router)
    app.include_router(pages_router)

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="jixiao API",
            swagger_js_url="/static/vendor/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )
        # Swagger UI starts from an inline script, which the policy forbids: start it
        # from a file of ours instead.
        body = bytes(page.body).decode("utf-8")
        start, end = body.rfind("<script>"), body.rfind("</script>")
        body = body[:start] + '<script src="/static/swagger-init.js"></script>' + body[end + 9 :]
        return HTMLResponse(body)

    @app.exception_handler(JixiaoError)
    async def jixiao_error(request: Request, exc: JixiaoError) -> Response:
        from .auth import NotAllowed

        if isinstance(exc, NotAllowed):
            public = getattr(request.state, "viewer", None)
            public = public is None or public.public
            if public and not request.url.path.startswith("/api/"):
                from urllib.parse import quote

                from fastapi.responses import RedirectResponse

                target = "/sign-in?next=" + quote(request.url.path)
                if request.headers.get("HX-Request") == "true":
                    return Response(status_code=200, headers={"HX-Redirect": target})
                return RedirectResponse(target, status_code=303)
            return _refusal(request, 401 if public else 403, "not_allowed", str(exc))
        return _refusal(request, 400, type(exc).__name__, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "没有这个页面或对象", 405: "不支持这种请求方式"}.get(
            exc.status_code, str(exc.detail)
        )
        if not request.url.path.startswith("/api/") and exc.status_code == 404:
            ctx = {
                "message": message,
                "csrf": getattr(request.state, "csrf", ""),
                "path": request.url.path,
                "viewer": getattr(request.state, "viewer", None),
            }
            return templates.TemplateResponse(request, "error.html", ctx, status_code=404)
        return _refusal(request, exc.status_code, f"http_{exc.status_code}", message)

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(x) for x in first.get("loc", ()))
        message = f"参数 {where} 不合要求：{first.get('msg', '')}".strip()
        if request.url.path.startswith("/api/"):
            return JSONResponse(
                {"error": {"code": "invalid", "message": message, "location": where or None}},
                status_code=422,
            )
        return _refusal(request, 422, "invalid", message)

    return app
