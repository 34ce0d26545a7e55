"""The Typer application and the options every command shares.

Library errors (:class:`~jixiao.errors.JixiaoError`) become one red line and exit
status 1 here, at the edge, for every command; ``--debug`` shows the traceback.
``--db`` and ``--debug`` are taken before the command (``jixiao --db x.db list``) and
after it (``jixiao list --db x.db``; this one wins). Every command that opens the store
names it on standard error (``数据库：/path/jixiao.db``), so standard output stays clean
for JSON and CSV.
"""

from __future__ import annotations

import enum
import importlib
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from ..errors import JixiaoError, OutputError

if TYPE_CHECKING:
    from .. import service as service
    from ..service import Store


class _OnFirstUse:
    """A module imported when a command first uses it, not when the command line starts:
    ``jixiao --help`` never loads the store (SQLAlchemy, Alembic), the readers or openpyxl."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


if not TYPE_CHECKING:
    service = _OnFirstUse("jixiao.service")

console = Console(highlight=False)
console_err = Console(stderr=True, highlight=False)


# The order a newcomer meets the commands in: import, look, review, export, score.
COMMAND_ORDER = ("import", "list", "show", "check", "classify", "export", "template",
                 "evaluate", "evaluations", "monitor", "serve", "user", "audit", "db")  # fmt: skip


class _Group(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        rank = {n: i for i, n in enumerate(COMMAND_ORDER)}
        return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))

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
    help="jixiao 绩效：读取、存储、审核绩效目标表，为绩效自评和运行监控评分。\n\n"
    "第一次使用：jixiao import 文件或文件夹 导入，再用 jixiao list、jixiao show 项目名称 查看。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="数据库：地址（sqlite:///路径.db、postgresql://用户@主机/库名）或 SQLite 文件路径；"
        "不给时用环境变量 JIXIAO_DB，再不然是当前文件夹的 jixiao.db。",
    ),
]
StdoutOrFileOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="输出文件（不给时写到标准输出；XLSX 必须给）。"),
]
_debug = False
_global_db: str | None = None  # --db given before the command


def _set_debug(value: bool) -> bool:
    global _debug
    _debug = _debug or value
    return value


DebugOption = Annotated[
    bool,
    typer.Option("--debug", help="出错时显示完整的调用栈（供报告问题用）。", callback=_set_debug),
]


def _version(value: bool) -> None:
    if value:
        console.print(f"jixiao {service.version()}")
        raise typer.Exit()


@app.callback()
def _global_options(
    db: DbOption = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="出错时显示完整的调用栈（供报告问题用）。")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出。"),
    ] = False,
) -> None:
    """Options before the command; each run starts from them (tests run many in one process)."""
    global _debug, _global_db
    _debug, _global_db = debug, db


def database(db: str | None) -> str | None:
    """The database a command names: its own --db, else the one before the command."""
    return db or _global_db


_open_stores: list[Store] = []


def open_store(db: str | None, *, write: bool = False, announce: bool = True) -> Store:
    """The store a command works on (migrated only when it writes); closed when it ends.
    Named on standard error, so a person knows which database answered."""
    store = service.open_store(database(db), write=write)
    _open_stores.append(store)
    if announce:
        console_err.print(f"[dim]数据库：{escape(service.where(store.url))}[/dim]", soft_wrap=True)
    return store


class TableFormat(enum.StrEnum):
    """The formats tables and findings are written in: a choice, not a free string."""

    json = "json"
    csv = "csv"
    xlsx = "xlsx"


TableFormatOption = Annotated[
    TableFormat,
    typer.Option("--format", "-f", case_sensitive=False, help="格式：json | csv | xlsx"),
]


def write_output(output: Path | None, fmt: str, write: Callable[[Any], Any]) -> Any:
    """Run a writer on the output file (written whole or not at all), or on standard output.

    A workbook (XLSX) always needs ``-o``: it is binary, so never for a terminal, and on a
    pipe a failure half-way would leave half a workbook with nothing to say so.
    """
    binary = fmt == "xlsx"
    if output is None:
        if binary:
            raise OutputError(
                "XLSX 是二进制文件，不写到标准输出：请用 -o 给出文件名（如 -o 结果.xlsx）"
            )
        return write(sys.stdout)
    newline = "" if fmt == "csv" else None
    with service.output_file(str(output), binary=binary, newline=newline) as f:
        return write(f)


def to_terminal() -> bool:
    """Whether standard output is a terminal: a person reads Rich tables and colours there;
    a pipe or file gets plain lines, streamed."""
    return console.is_terminal


def add_columns(table: Any, spec: Iterable[tuple[str, str]]) -> None:
    """Columns of a terminal table from (header, justify) pairs; long cells fold."""
    for header, justify in spec:
        table.add_column(header, justify=justify, overflow="fold")
