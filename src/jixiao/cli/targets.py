"""Commands over target tables: import, export, list, show."""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from .app import (
    DbOption,
    DebugOption,
    StdoutOrFileOption,
    TableFormat,
    TableFormatOption,
    app,
    console,
    console_err,
    open_store,
    service,
    to_terminal,
    write_output,
)

if TYPE_CHECKING:
    from rich.table import Table

    from ..model import TargetTable
    from ..service import FileOutcome, ImportReport, TableSummary

PAGE = 50  # rows of ``list`` on a terminal unless --limit or --all
SHOWN = 20  # filings ``show`` displays unless --limit


def _fmt(x: float | None) -> str:
    from ..model import json_number

    v = json_number(x)
    return "" if v is None else f"{v:,}" if isinstance(v, int) and abs(v) >= 10000 else str(v)


@app.command("import")
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹（文件夹会逐层查找）。")],
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只显示错误。")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help="读取文件的进程数（默认每核一个，至多 8 个；两核及以下只读文本文件时为 1）。"
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """导入：把文件里的绩效目标表读进数据库。

    没变的文件再导入不会重复；改过的文件整体替换它原来的表；读不了的文件报一行，
    其余照常导入。

    例：jixiao import samples/seeds --db jixiao.db
    """
    store = open_store(db, write=True, announce=not quiet)
    given = [str(p) for p in paths]
    # Counted from the store, not the report: a file may be committed in the very moment
    # Ctrl-C arrives, before its outcome reaches the report.
    tables_before, files_before = store.count(), store.document_count()
    try:
        with _first_ctrl_c_only():
            report = _import_with_bar(store, given, workers, show=not quiet)
    except service.ImportInterrupted as stop:
        # Leaving now: a later Ctrl-C must not cut the summary or the exit short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        done = stop.report
        reported = sum(1 for f in done.files if f.status in ("imported", "replaced"))
        stored = max(reported, store.document_count() - files_before)
        total = store.count()
        # A file committed before its outcome reached the report is stored, not pending.
        pending = max(0, stop.pending - (stored - reported))
        console_err.print(
            f"已中断：已存入 {stored} 个文件（{total - tables_before} 张表），"
            f"未处理 {pending} 个；库中共 {total} 张表",
            soft_wrap=True,
        )
        raise typer.Exit(130) from None
    if not quiet:
        parts = [f"读取文件 {len(report.files)} 个", f"导入表 {report.tables} 张"]
        for status, word in (
            ("imported", "新导入"),
            ("replaced", "已更新"),
            ("unchanged", "未变化"),
            ("moved", "路径已更新"),
            ("refused", "拒收"),
            ("failed", "未能存储"),
        ):
            if report.count(status):
                parts.append(f"{word} {report.count(status)} 个")
        if report.skipped:
            parts.append(f"跳过 {len(report.skipped)} 处")
        parts.append(f"库中共 {store.count()} 张表")
        console.print("，".join(parts), soft_wrap=True)
    # One line per problem, naming file, table and line; never a traceback.
    if not quiet:
        for w in report.warnings:
            console_err.print(f"[yellow]提示[/yellow] {escape(w)}", soft_wrap=True)
    for e in report.errors:
        console_err.print(f"[red]错误[/red] {escape(e)}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


@contextlib.contextmanager
def _first_ctrl_c_only() -> Iterator[None]:
    """Ctrl-C interrupts once; pressed again while the import stops its workers, it is ignored.

    A second KeyboardInterrupt landing inside the cleanup of the first would leave
    the worker pool half stopped (and the process hanging at exit).
    """
    pressed = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal pressed
        if not pressed:
            pressed = True
            raise KeyboardInterrupt

    before = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        if not pressed:
            signal.signal(signal.SIGINT, before)


def _import_with_bar(
    store: service.Store, paths: list[str], workers: int | None, *, show: bool
) -> ImportReport:
    """The import, with a bar on a terminal that moves from the first second.

    The spinner and the name of the file being read show life while a large file
    parses; the count moves as each file is stored.
    """
    if not (show and console_err.is_terminal):
        return service.import_paths(store, paths, workers=workers)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("导入"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=console_err,
        transient=True,
    ) as bar:
        task = bar.add_task("查找文件…", total=None)

        def reading(path: str) -> None:
            bar.update(task, description=f"读取 {escape(path)}")

        def progress(o: FileOutcome) -> None:
            bar.update(task, advance=1)

        total = len(service.documents_in(paths))
        bar.update(task, total=total)
        return service.import_paths(
            store, paths, workers=workers, progress=progress, reading=reading
        )


@app.command("export")
def export_cmd(
    fmt: TableFormatOption = TableFormat.json,
    output: StdoutOrFileOption = None,
    project: Annotated[str | None, typer.Option(help="只要项目名称含此文字的。")] = None,
    department: Annotated[
        str | None, typer.Option(help="只要此主管部门的（部分名称即可）。")
    ] = None,
    year: Annotated[int | None, typer.Option(help="只要此预算年度的。")] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """导出：库中的表写成 JSON（交换格式）、CSV 或 XLSX（每个指标一行）。

    例：jixiao export --format xlsx -o 目标表.xlsx
    """
    from ..query import TableQuery

    store = open_store(db)
    query = TableQuery(project=project, department=department, year=year)
    kind = fmt.value
    n = write_output(output, kind, lambda out: service.export_tables(store, kind, out, query))  # type: ignore[arg-type]
    service.record_export(store, what="tables", fmt=kind, query=query, rows=n)


@app.command("list")
def list_cmd(
    department: Annotated[
        str | None, typer.Option(help="只要此主管部门的（部分名称即可）。")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(help="只要项目名称、主管部门或某个指标含此文字的表。"),
    ] = None,
    year: Annotated[int | None, typer.Option(help="只要此预算年度的。")] = None,
    layout: Annotated[
        str | None, typer.Option(help="只要此版式的：district | national | flat。")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(help="排序：source（来源）| project | department | funds | year | indicators"),
    ] = "source",
    limit: Annotated[
        int | None,
        typer.Option(help=f"最多显示多少行（终端上默认 {PAGE} 行；写到管道或文件时默认全部）。"),
    ] = None,
    offset: Annotated[int, typer.Option(help="先跳过多少行。")] = 0,
    all_rows: Annotated[bool, typer.Option("--all", help="终端上也显示全部。")] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """列表：库中的表，含主管部门、项目名称、总资金、指标数。

    终端上显示一页（--limit、--offset 翻页，--all 显示全部）并说明还有多少；
    写到管道或文件时逐行输出制表符分隔的纯文本：#、主管部门、项目名称、总资金、
    金额单位、指标数、来源。

    例：jixiao list --department 财政局 --sort funds --limit 20
    """
    if sort not in ("source", "project", "department", "funds", "year", "indicators"):
        raise typer.BadParameter(
            "must be source, project, department, funds, year or indicators", param_hint="--sort"
        )
    from ..query import TableQuery

    terminal = to_terminal()
    if limit is None and terminal and not all_rows:
        limit = PAGE
    query = TableQuery(
        department=department,
        search=search,
        year=year,
        layout=layout,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    store = open_store(db)
    if not terminal:
        _list_plain(service.listing(store, query), offset)
        return
    page = service.select_tables(store, query)
    console.print(_list_table(page.items, offset))
    shown = offset + len(page.items)
    more = page.total - shown
    where = f"（显示第 {offset + 1}–{shown} 张）" if page.items and (limit or offset) else ""
    hint = f"；还有 {more} 张：--offset {shown} 看下一页，--all 看全部" if more > 0 else ""
    console.print(f"共 {page.total} 张表{where}{hint}")


def _list_plain(rows: Iterable[TableSummary], offset: int) -> None:
    """``list`` to a pipe or file: one tab-separated line per table, as the store streams them."""
    out = sys.stdout
    for n, r in enumerate(rows, offset + 1):
        cells = (str(n), r.department or "", r.project, _fmt(r.total), r.money_unit or "",
                 str(r.indicator_count), f"{r.file} #{r.index + 1}")  # fmt: skip
        out.write("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells) + "\n")


def _list_table(items: list[TableSummary], offset: int) -> Table:
    """A page of ``list`` as a terminal table."""
    from rich import box
    from rich.table import Table

    # Fits 80 columns: names (CJK, no spaces to break at) fold; numbers never wrap; a file
    # name stays on one line, cut with … when long (the full name is in `show`).
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, pad_edge=False)
    t.add_column("#", justify="right", style="dim", no_wrap=True)
    t.add_column("主管部门", overflow="fold", ratio=3, min_width=6)
    t.add_column("项目名称", overflow="fold", ratio=3, min_width=8)
    t.add_column("总资金", justify="right", no_wrap=True)
    t.add_column("指标", justify="right", no_wrap=True)
    t.add_column("来源", style="dim", no_wrap=True, overflow="ellipsis", ratio=2, min_width=8)
    for n, r in enumerate(items, offset + 1):
        t.add_row(
            str(n),
            escape(r.department or ""),
            escape(r.project),
            f"{_fmt(r.total)} {r.money_unit or ''}".strip(),
            str(r.indicator_count),
            escape(f"{r.file} #{r.index + 1}"),
        )
    return t


@app.command("show")
def show_cmd(
    project: Annotated[str, typer.Argument(help="项目名称，或其中一部分。")],
    limit: Annotated[
        int, typer.Option(min=1, help=f"最多显示多少份（默认 {SHOWN}）；其余只计数。")
    ] = SHOWN,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """查看：按纸面表格的样式显示一张表。

    同一项目申报多份时逐份显示，最多 --limit 份，并说明还有多少份。

    例：jixiao show 巨灾保险项目
    """
    found = service.find_project(open_store(db), project, limit=limit)
    if not found.tables:
        console_err.print(f"没有名称含“{escape(project)}”的项目")
        raise typer.Exit(1)
    for t in found.tables:
        console.print(render_form(t))
        console.print()
    if found.total > len(found.tables):
        console.print(
            f"共 {found.total} 份，显示前 {len(found.tables)} 份"
            f"（--limit 显示更多；jixiao list --search 项目名称 列出全部）"
        )


_INDICATOR_COLUMNS = (
    ("指标名称", "left"), ("性质", "center"), ("指标值", "right"), ("单位", "left"),
    ("分值", "right"), ("核心", "center"),
)  # fmt: skip


def render_form(t: TargetTable) -> Table:
    """绩效目标表 as a terminal table: label rows, funds, texts, indicators, contact."""
    from rich import box
    from rich.table import Table

    title = f"{t.region or ''}{t.year or ''}{'年' if t.year else ''}{t.kind or ''}绩效目标表"
    caption = []
    if t.contact.name or t.contact.phone:
        caption.append(f"联系人：{t.contact.name or '—'}    联系电话：{t.contact.phone or '—'}")
    if t.source:
        caption.append(
            f"来源：{t.source.file} 表 {t.source.index + 1}"
            + (f" 第 {t.source.first_line}–{t.source.last_line} 行" if t.source.first_line else "")
        )
    grid = Table(
        title=escape((f"{t.label}  " if t.label else "") + title),
        caption=escape("\n".join(caption)) or None,
        box=box.SQUARE,
        show_header=False,
        show_lines=True,
        expand=False,
    )
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    unit = t.money_unit or ""
    grid.add_row("单位", escape(unit))
    grid.add_row("主管部门", escape(t.department or ""))
    grid.add_row("实施单位", escape(t.implementer or ""))
    grid.add_row("项目名称", escape(t.project))
    if t.execution_weight is not None:
        grid.add_row("预算执行率权重", _fmt(t.execution_weight))
    f = t.funds
    grid.add_row(
        "项目总资金额",
        f"{_fmt(f.total)}    上级补助 {_fmt(f.superior) or '—'}    "
        f"区级资金 {_fmt(f.district) or '—'}    其他资金 {_fmt(f.other) or '—'}",
    )
    for label, text in (("项目概况", t.overview), ("立项依据", t.basis), ("当年绩效目标", t.goal)):
        if text is not None:
            grid.add_row(label, escape(text))
    for k, v in t.extra.items():
        grid.add_row(escape(k), escape(v))
    # The names take what the short columns leave; at 80 columns they fold, nothing else does.
    inds = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    levels = any(i.level1 or i.level2 for i in t.indicators)
    if levels:
        inds.add_column("一级指标", overflow="fold", ratio=1)
        inds.add_column("二级指标", overflow="fold", ratio=1)
    for n, (header, justify) in enumerate(_INDICATOR_COLUMNS):
        name = n == 0
        inds.add_column(
            header,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=not name and header != "指标值",
            ratio=1 if name else None,
        )
    for i in t.indicators:
        cells = [
            escape(i.name),
            i.operator or "",
            escape(i.value),
            escape(i.unit),
            _fmt(i.score),
            "是" if i.core else "",
        ]
        if levels:
            cells = [escape(i.level1 or ""), escape(i.level2 or ""), *cells]
        inds.add_row(*cells)
    total = sum(i.score or 0 for i in t.indicators)
    grid.add_row(f"绩效指标\n（{len(t.indicators)} 项，{_fmt(float(total))} 分）", inds)
    return grid
