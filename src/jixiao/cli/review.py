"""Commands that review tables: check (the reviewer's findings) and classify (指标分类)."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from .. import service
from ..config import load_config
from ..model import TargetTable
from ..rules import Finding, Severity
from .app import (
    DbOption,
    DebugOption,
    StdoutOrFileOption,
    app,
    console,
    console_err,
    open_store,
    write_output,
)

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


def _tables(files: list[Path] | None, db: str | None) -> list[TargetTable]:
    """Stored tables, or tables read from files given directly (unreadable ones: one line)."""
    got = service.tables_from(open_store(db) if not files else None, [str(f) for f in files or []])
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
    tables = _tables(files, db)
    findings = service.review(tables, cfg)
    if fmt is CheckFormat.text:
        _print_text(findings, len(tables))
        _print_published(service.published_summary(tables, cfg))
    else:
        kind = fmt.value
        write_output(output, kind, lambda out: service.export_findings(findings, kind, out))  # type: ignore[arg-type]
    if service.fails((f.severity for f in findings), fail_on.value):
        raise typer.Exit(1)


def _print_text(findings: list[Finding], n_tables: int) -> None:
    groups: dict[tuple[str, int, str | None], list[Finding]] = {}
    for f in findings:
        src = f.source or {}
        groups.setdefault(
            (str(src.get("file", "")), int(src.get("index", -1)), f.project), []
        ).append(f)
    order = sorted(groups.items(), key=lambda kv: -max(f.severity.rank for f in kv[1]))
    for (file, index, project), fs in order:
        where = f"{file} 表 {index + 1}" if file else ""
        console.print(f"[bold]{escape(project or '')}[/bold]  [dim]{escape(where)}[/dim]")
        for f in sorted(fs, key=lambda f: -f.severity.rank):
            style = _STYLE[f.severity]
            field = f" [dim]{escape(f.field)}[/dim]" if f.field else ""
            console.print(
                f"  [{style}]{f.severity.label}[/{style}] {f.code}{field}  {escape(f.message)}",
                soft_wrap=True,
            )
        console.print()
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    console.print(
        f"审核 {n_tables} 张表，{len(groups)} 张有问题：错误 {counts[Severity.ERROR]}，"
        f"警告 {counts[Severity.WARNING]}，提示 {counts[Severity.INFO]}"
    )


def _print_published(summary: list[service.DepartmentSummary]) -> None:
    """自评复核: per department, how many published self-evaluations were more generous."""
    if not summary:
        return
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
    result = service.classify(_tables(files, db))
    if fmt == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    for t in result:
        src = t["source"]
        where = f"{src['file']} 表 {src['index'] + 1}" if src else ""
        console.print(f"[bold]{escape(t['project'])}[/bold]  [dim]{escape(where)}[/dim]")
        for i in t["indicators"]:
            mark = "" if i["given"] else "[dim]（推定）[/dim]"
            console.print(
                f"  {escape(i['name'])}：{i['level1']}/{i['level2']}{mark}  "
                f"[dim]{escape(i['why'])}[/dim]",
                soft_wrap=True,
            )
        console.print()
