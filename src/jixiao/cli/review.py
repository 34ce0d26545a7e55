"""Commands that review tables: check (the reviewer's findings) and classify (指标分类)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from ..classify import classify_table
from ..config import load_config
from ..exports.findings import write_findings_xlsx
from ..ingest import read_paths
from ..model import TargetTable
from ..rules import Finding, Severity, check
from .app import DbOption, DebugOption, StdoutOrFileOption, app, console, console_err, open_store

_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

FilesArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Check these files or folders instead of the stored tables."),
]


def _tables(files: list[Path] | None, db: str | None) -> Iterable[TargetTable]:
    """Stored tables, or tables read from files given directly (unreadable ones: one line)."""
    if not files:
        return open_store(db).tables()
    tables: list[TargetTable] = []
    for item in read_paths(str(f) for f in files):
        if isinstance(item, TargetTable):
            tables.append(item)
        else:
            console_err.print(f"[red]错误[/red] {escape(str(item))}", soft_wrap=True)
    return tables


@app.command("check")
def check_cmd(
    files: FilesArg = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | xlsx")] = "text",
    output: StdoutOrFileOption = None,
    fail_on: Annotated[
        str,
        typer.Option(
            help="Exit 1 when a finding is at least this severe: error | warning | never."
        ),
    ] = "error",
    config: Annotated[
        str | None, typer.Option("--config", help="jixiao.toml to read [rules] from.")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Review tables as a finance-bureau reviewer would: one finding per problem.

    Runs every enabled rule (see docs/rules.md) over the stored tables, or over
    FILES read directly. Exits 1 when findings at or above --fail-on exist.

    Example: jixiao check --format xlsx -o findings.xlsx
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json", "xlsx"):
        raise typer.BadParameter("must be text, json or xlsx", param_hint="--format")
    fail_on = fail_on.lower()
    if fail_on not in ("error", "warning", "info", "never"):
        raise typer.BadParameter("must be error, warning or never", param_hint="--fail-on")
    cfg = load_config(config)
    tables = list(_tables(files, db))
    findings = check(tables, cfg)
    if fmt == "json":
        text = json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    elif fmt == "xlsx":
        if output is None:
            if sys.stdout.isatty():
                raise typer.BadParameter("XLSX needs an output file", param_hint="--output")
            write_findings_xlsx(findings, sys.stdout.buffer)
        else:
            write_findings_xlsx(findings, str(output))
    else:
        _print_text(findings, len(tables))
    if fail_on != "never":
        threshold = Severity.parse(fail_on)
        if any(f.severity >= threshold for f in findings):
            raise typer.Exit(1)


def _print_text(findings: list[Finding], n_tables: int) -> None:
    groups: dict[tuple[str, int, str], list[Finding]] = {}
    for f in findings:
        src = f.source or {}
        groups.setdefault(
            (str(src.get("file", "")), int(src.get("index", -1)), f.project), []
        ).append(f)
    order = sorted(groups.items(), key=lambda kv: -max(f.severity.rank for f in kv[1]))
    for (file, index, project), fs in order:
        where = f"{file} 表 {index + 1}" if file else ""
        console.print(f"[bold]{escape(project)}[/bold]  [dim]{escape(where)}[/dim]")
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


@app.command("classify")
def classify_cmd(
    files: FilesArg = None,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    debug: DebugOption = False,
) -> None:
    """Show each indicator's 一级/二级指标 (the table's own, or inferred) and why.

    Example: jixiao classify --format json
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise typer.BadParameter("must be text or json", param_hint="--format")
    tables = _tables(files, db)
    if fmt == "json":
        out = []
        for t in tables:
            src = t.source
            out.append({
                "project": t.project,
                "source": {"file": src.file, "index": src.index} if src else None,
                "indicators": [{"name": i.name, **c.to_json()}
                               for i, c in zip(t.indicators, classify_table(t), strict=True)],
            })  # fmt: skip
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    for t in tables:
        where = f"{t.source.file} 表 {t.source.index + 1}" if t.source else ""
        console.print(f"[bold]{escape(t.project)}[/bold]  [dim]{escape(where)}[/dim]")
        for i, c in zip(t.indicators, classify_table(t), strict=True):
            mark = "" if c.given else "[dim]（推定）[/dim]"
            console.print(
                f"  {escape(i.name)}：{c.level1}/{c.level2}{mark}  [dim]{escape(c.why)}[/dim]",
                soft_wrap=True,
            )
        console.print()
