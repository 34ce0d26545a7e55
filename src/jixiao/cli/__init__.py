"""Command line: ``jixiao``. Each command is about one library call; this package only
parses options, shows progress and prints.
"""

from __future__ import annotations

from . import audit as _audit  # noqa: F401  (registers its commands)
from . import evaluation as _evaluation  # noqa: F401  (registers its commands)
from . import review as _review  # noqa: F401  (registers its commands)
from . import targets as _targets  # noqa: F401  (registers its commands)
from . import users as _users  # noqa: F401  (registers its commands)
from . import web as _web  # noqa: F401  (registers its commands)
from .app import app


def main() -> None:
    """Entry point of the ``jixiao`` command."""
    app()


__all__ = ["app", "main"]
