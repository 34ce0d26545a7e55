"""The web application and REST API (``jixiao serve``): see :mod:`jixiao.web.app`."""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
