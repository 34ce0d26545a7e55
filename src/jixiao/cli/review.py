"""Commands that review tables: check (the reviewer's findings) and classify (指标分类)."""

from __future__ import annotations

import enum
import json
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from ..config import load_config
from ..findings import Finding, Severity
from .app import (
    DbOption,
    DebugOption,
    StdoutOrFileOption,
    app,
    console,
    console_err,
    open_store,
    service,
    to_terminal,
    write_output,
)

if TYPE_CHECKING:
    from ..model import TargetTable

_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

FilesArg = Annotated[
    list[Path] | None,
    typer.Argument(help="审核这些文件或文件夹（不给时审核库中的表）。"),
]


class FailOn(enum.StrEnum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


class CheckFormat(enum.StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def _source(files: list[Path] | None, db: str | None) -> service.Store | list[TargetTable]:
    """The store (its tables are streamed), or tables read from files given directly
    (unreadable ones: one line each)."""
    if not files:
        return open_store(db)
    got = service.tables_from(None, [str(f) for f in files])
    for e in got.errors:
        console_err.print(f"[red]错误[/red] {escape(str(e))}", soft_wrap=True)
    return got.tables


@app.command("check")
def check_cmd(
    files: FilesArg = None,
    db: DbOption = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", case_sensitive=False, help="格式：text | json | csv | xlsx"),
    ] = CheckFormat.text,
    output: StdoutOrFileOption = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            case_sensitive=False,
            help="有此严重程度及以上的意见时退出码为 1：error | warning | info | never。",
        ),
    ] = FailOn.error,
    config: Annotated[
        str | None, typer.Option("--config", help="读取 [rules] 的配置文件 jixiao.toml。")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """审核：像财政局审核人员那样审核表，每个问题一条意见。

    对库中的表（或直接读取的文件）运行每条启用的规则（见 docs/rules.md）；
    有 --fail-on 及以上的意见时退出码为 1。

    例：jixiao check --format xlsx -o 审核意见.xlsx
    """
    cfg = load_config(config)
    source = _source(files, db)
    reviewed = service.reviewed(source, cfg)
    seen: set[Severity] = set()
    if fmt is CheckFormat.text:
        tally = service.PublishedTally(cfg)
        with _TextReport() as report:
            for t, fs in reviewed:
                tally.add(t)
                seen.update(f.severity for f in fs)
                report.table(fs)
            report.finish()
        _print_published(tally.summary())
    else:

        def findings() -> Iterator[Finding]:
            for _, fs in reviewed:
                seen.update(f.severity for f in fs)
                yield from fs

        kind = fmt.value
        n = write_output(output, kind, lambda out: service.export_findings(findings(), kind, out))  # type: ignore[arg-type]
        if output is not None and isinstance(source, service.Store):
            # Findings of the store written to a file: an export, in the audit trail.
            service.record_export(source, what="findings", fmt=kind, query=None, rows=n)
    if service.fails(seen, fail_on.value):
        raise typer.Exit(1)


class _TextReport:
    """The text report, written as the review goes: a block per table with findings,
    worst first — a table with an error at once, those whose worst is a warning or a
    hint kept in temporary files (not memory) and written after, in table order.

    On a terminal each block is one Rich print (styled); to a pipe or file it is plain
    text written directly.
    """

    def __init__(self) -> None:
        self.terminal = to_terminal()
        self.spools: dict[Severity, IO[str]] = {}
        self.counts = dict.fromkeys(Severity, 0)
        self.tables = self.flagged = 0

    def __enter__(self) -> _TextReport:
        for s in _LATER:
            self.spools[s] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        return self

    def __exit__(self, *exc: object) -> None:
        for spool in self.spools.values():
            spool.close()

    def table(self, fs: list[Finding]) -> None:
        self.tables += 1
        if not fs:
            return
        self.flagged += 1
        for f in fs:
            self.counts[f.severity] += 1
        worst = max(fs, key=lambda f: f.severity.rank).severity
        text = _block(fs, markup=self.terminal)
        if worst in self.spools:
            self.spools[worst].write(json.dumps(text, ensure_ascii=False) + "\n")
        else:
            self._write(text)

    def finish(self) -> None:
        """The waiting blocks, then the counts."""
        for severity in _LATER:
            spool = self.spools[severity]
            spool.seek(0)
            for line in spool:
                self._write(json.loads(line))
        c = self.counts
        self._write(
            f"审核 {self.tables} 张表，{self.flagged} 张有问题：错误 {c[Severity.ERROR]}，"
            f"警告 {c[Severity.WARNING]}，提示 {c[Severity.INFO]}"
        )

    def _write(self, text: str) -> None:
        if self.terminal:
            console.print(text, soft_wrap=True)
        else:
            sys.stdout.write(text + "\n")


_LATER = (Severity.WARNING, Severity.INFO)  # blocks whose worst finding is this wait


def _block(fs: list[Finding], *, markup: bool) -> str:
    """One table's findings, worst first, under its project and source (and a blank line)."""
    src = fs[0].source or {}
    file, index = str(src.get("file", "")), int(src.get("index", -1))
    where = f"{file} 表 {index + 1}" if file else ""
    project = fs[0].project or ""
    lines = [
        f"[bold]{escape(project)}[/bold]  [dim]{escape(where)}[/dim]"
        if markup
        else f"{project}  {where}"
    ]
    for f in sorted(fs, key=lambda f: -f.severity.rank):
        if markup:
            style = _STYLE[f.severity]
            field = f" [dim]{escape(f.field)}[/dim]" if f.field else ""
            lines.append(
                f"  [{style}]{f.severity.label}[/{style}] {f.code}{field}  {escape(f.message)}"
            )
        else:
            field = f" {f.field}" if f.field else ""
            lines.append(f"  {f.severity.label} {f.code}{field}  {f.message}")
    return "\n".join(lines) + "\n"


def _print_published(summary: list[service.DepartmentSummary]) -> None:
    """自评复核: per department, how many published self-evaluations were more generous."""
    if not summary:
        return
    from rich.table import Table

    t = Table(title="自评复核（按评分规则重算，evaluation.md §6）", title_justify="left")
    t.add_column("部门", overflow="fold")
    t.add_column("自评表", justify="right")
    t.add_column("高于规则", justify="right")
    t.add_column("多给分数", justify="right")
    for s in summary:
        t.add_row(escape(s.department), str(s.evaluations), str(s.generous), f"{s.excess:g}")
    console.print(t)


@app.command("classify")
def classify_cmd(
    files: FilesArg = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="格式：text | json")] = "text",
    debug: DebugOption = False,
) -> None:
    """分类：每个指标的一级/二级指标（表中给出的，或推定的）及依据。

    例：jixiao classify --format json
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise typer.BadParameter("must be text or json", param_hint="--format")
    result = service.classified(_tables_of(_source(files, db)))
    if fmt == "json":
        service.write_json_array(result, sys.stdout)
        return
    terminal = to_terminal()
    for t in result:
        src = t["source"]
        where = f"{src['file']} 表 {src['index'] + 1}" if src else ""
        if terminal:
            lines = [f"[bold]{escape(t['project'])}[/bold]  [dim]{escape(where)}[/dim]"]
            lines += [
                f"  {escape(i['name'])}：{i['level1']}/{i['level2']}"
                f"{'' if i['given'] else '[dim]（推定）[/dim]'}  [dim]{escape(i['why'])}[/dim]"
                for i in t["indicators"]
            ]
            console.print("\n".join(lines) + "\n", soft_wrap=True)
        else:
            lines = [f"{t['project']}  {where}"]
            lines += [
                f"  {i['name']}：{i['level1']}/{i['level2']}{'' if i['given'] else '（推定）'}"
                f"  {i['why']}"
                for i in t["indicators"]
            ]
            sys.stdout.write("\n".join(lines) + "\n\n")


def _tables_of(source: service.Store | list[TargetTable]) -> Iterable[TargetTable]:
    return service.stored_tables(source) if isinstance(source, service.Store) else source
