"""Who is asking, for every page and API call: a session cookie, an API token, or the public.

A store with no users yet is a single person's local store: the server then listens on
the loopback address only (``jixiao serve``) and whoever reaches it is its administrator
(本机). Once an account exists, every page but the public portal and the sign-in page
needs a signed-in user.
"""

from __future__ import annotations

from fastapi import Request

from .. import service
from ..accounts import PUBLIC, Viewer
from ..errors import JixiaoError

SESSION_COOKIE = "jixiao_session"
LOCAL = Viewer("本机", "admin")


class NotAllowed(JixiaoError):
    """The viewer may not do or see this (403; 401 for the public)."""


def viewer(request: Request) -> Viewer:
    """The viewer of this request (computed once per request)."""
    got = getattr(request.state, "viewer", None)
    if got is not None:
        return got  # type: ignore[no-any-return]
    store = request.app.state.store
    if not store.user_count():
        v = LOCAL
    else:
        token = None
        auth = request.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        v = service.viewer_of(store, session=request.cookies.get(SESSION_COOKIE), token=token)
    request.state.viewer = v
    return v


def signed_in(request: Request) -> Viewer:
    """The viewer, who must be signed in."""
    v = viewer(request)
    if v.public:
        raise NotAllowed("请先登录")
    return v


def admin(request: Request) -> Viewer:
    v = signed_in(request)
    if not v.admin:
        raise NotAllowed("只有管理员可以这样做")
    return v


__all__ = ["LOCAL", "PUBLIC", "SESSION_COOKIE", "NotAllowed", "admin", "signed_in", "viewer"]
