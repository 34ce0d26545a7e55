"""Command line: ``jixiao``. Each command is about one library call; this package only
parses options, shows progress and prints. Library errors become one line here.
"""

from __future__ import annotations

import sys

from ..errors import JixiaoError
from .app import app, console_err
from . import targets as _targets  # noqa: F401  (registers commands)
from . import evaluation as _evaluation  # noqa: F401  (registers commands)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``jixiao`` command."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        app(args=argv, standalone_mode=True)
    except JixiaoError as e:
        if debug:
            raise
        console_err.print(f"[red]错误[/red] {e}", highlight=False, markup=True)
        sys.exit(1)


__all__ = ["app", "main"]
