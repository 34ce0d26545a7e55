"""The Typer application and the options every command shares.

Library errors (:class:`~jixiao.errors.JixiaoError`) become one red line and exit
status 1 here, at the edge, for every command; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from ..errors import JixiaoError
from ..store import Store

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except JixiaoError as e:
            if "--debug" in sys.argv[1:] or os.environ.get("JIXIAO_DEBUG"):
                raise
            console_err.print(f"[red]错误[/red] {escape(str(e))}", soft_wrap=True)
            raise SystemExit(1) from None
        finally:
            # A command's stores close with it: connections are not left to the collector.
            while _open_stores:
                _open_stores.pop().close()


app = typer.Typer(
    name="jixiao",
    cls=_Group,
    help="jixiao 绩效 — 读取、审核、存储绩效目标表。Read, review, store and score "
    "budget performance-target tables.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="JIXIAO_DB",
        help="Database URL (sqlite:///path.db, postgresql://…) or a SQLite file path. "
        "Default ./jixiao.db.",
        show_envvar=True,
    ),
]
StdoutOrFileOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Output file (default: standard output)."),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error.")]


_open_stores: list[Store] = []


def open_store(db: str | None) -> Store:
    """The store a command works on; closed when the command ends."""
    store = Store(db)
    _open_stores.append(store)
    return store
