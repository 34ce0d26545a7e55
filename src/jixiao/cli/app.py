"""The Typer application and the options every command shares."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from ..store import Store

app = typer.Typer(
    name="jixiao",
    help="jixiao 绩效 — 读取、审核、存储绩效目标表。Read, review, store and score "
    "budget performance-target tables.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)

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
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show the traceback of an error.", hidden=False)
]


def open_store(db: str | None) -> Store:
    return Store(db)
