"""The Typer application and the options every command shares.

Library errors (:class:`~jixiao.errors.JixiaoError`) become one red line and exit
status 1 here, at the edge, for every command; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from .. import service
from ..errors import JixiaoError, os_reason
from ..service import Store

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


class _Group(TyperGroup):
    def invoke(self, ctx: Any) -> Any:  # typer's vendored click Context
        try:
            return super().invoke(ctx)
        except JixiaoError as e:
            if _debug or os.environ.get("JIXIAO_DEBUG"):
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
_debug = False


def _set_debug(value: bool) -> bool:
    global _debug
    _debug = _debug or value
    return value


DebugOption = Annotated[
    bool,
    typer.Option("--debug", help="Show the traceback of an error.", callback=_set_debug),
]


_open_stores: list[Store] = []


def open_store(db: str | None, *, write: bool = False) -> Store:
    """The store a command works on (migrated only when it writes); closed when it ends."""
    store = service.open_store(db, write=write)
    _open_stores.append(store)
    return store


class TableFormat(enum.StrEnum):
    """The formats tables and findings are written in: a choice, not a free string."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"


TableFormatOption = Annotated[
    TableFormat, typer.Option("--format", "-f", case_sensitive=False, help="json | csv | xlsx")
]


def write_output(output: Path | None, fmt: str, write: Callable[[Any], object]) -> None:
    """Run a writer on the output file, or on standard output (XLSX only when not a terminal)."""
    binary = fmt == "xlsx"
    if output is None:
        if binary:
            if sys.stdout.isatty():
                raise typer.BadParameter("XLSX needs an output file", param_hint="--output")
            write(sys.stdout.buffer)
        else:
            write(sys.stdout)
        return
    try:
        if binary:
            write(str(output))
        else:
            with open(output, "w", encoding="utf-8", newline="" if fmt == "csv" else None) as f:
                write(f)
    except OSError as e:
        raise typer.BadParameter(
            f"无法写入 {output}：{os_reason(e)}", param_hint="--output"
        ) from None


def add_columns(table: Any, spec: Iterable[tuple[str, str]]) -> None:
    """Columns of a terminal table from (header, justify) pairs; long cells fold."""
    for header, justify in spec:
        table.add_column(header, justify=justify, overflow="fold")
