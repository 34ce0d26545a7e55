"""Commands over the audit trail (审计记录): verify, list, export."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from .. import service
from .app import (
    DbOption,
    DebugOption,
    StdoutOrFileOption,
    TableFormat,
    TableFormatOption,
    app,
    console,
    open_store,
    write_output,
)

audit_app = typer.Typer(
    help="审计记录：谁在何时做了什么（导入、更正、导出……），逐条链式校验。",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")

ActorOption = Annotated[
    str | None, typer.Option("--actor", help="只要此用户的（用户名，完全一致）。")
]
ActionOption = Annotated[
    str | None, typer.Option("--action", help="只要此动作的（如 import、export、correct-level）。")
]
SubjectOption = Annotated[
    str | None, typer.Option("--subject", help="只要关于此对象的（如 table:12、document:文件名）。")
]


@audit_app.command("verify")
def audit_verify(
    last: Annotated[
        str | None,
        typer.Option("--last", help="以前记下的最后一条校验值：它必须仍在记录中。"),
    ] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """校验：逐条重算校验值，检查记录是否被改动、删除或插入。

    通过时显示最后一条的校验值：把它另行记下，下次用 --last 核对，
    连最新的几条被删掉也能发现。

    例：jixiao audit verify --db jixiao.db
    """
    report = service.audit_verify(open_store(db), known_hash=last)
    if not report.ok:
        console.print(f"[red]审计记录校验未通过[/red]：{escape(report.message)}", soft_wrap=True)
        raise typer.Exit(1)
    console.print(report.message, soft_wrap=True)
    if report.last_hash:
        console.print(f"最后一条的校验值：{report.last_hash}", soft_wrap=True)


@audit_app.command("list")
def audit_list(
    actor: ActorOption = None,
    action: ActionOption = None,
    subject: SubjectOption = None,
    limit: Annotated[int, typer.Option(min=1, help="最多显示多少条（最新的在前）。")] = 50,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """列表：最新的审计记录在前。

    例：jixiao audit list --action import --limit 20
    """
    entries = service.audit_entries(
        open_store(db), actor=actor, action=action, subject=subject, limit=limit,
        newest_first=True,
    )  # fmt: skip
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, expand=True, pad_edge=False)
    t.add_column("#", justify="right", style="dim", no_wrap=True)
    t.add_column("时间（UTC）", no_wrap=True)
    t.add_column("用户", overflow="fold")
    t.add_column("动作", no_wrap=True)
    t.add_column("对象", overflow="fold", ratio=2)
    t.add_column("说明", overflow="fold", ratio=3)
    for e in entries:
        t.add_row(
            str(e.id),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(e.actor or "（系统）"),
            escape(e.action),
            escape(e.subject or ""),
            escape(e.detail or ""),
        )
    console.print(t)
    console.print(f"显示 {len(entries)} 条（最新的在前）")


@audit_app.command("export")
def audit_export(
    fmt: TableFormatOption = TableFormat.csv,
    output: StdoutOrFileOption = None,
    actor: ActorOption = None,
    action: ActionOption = None,
    subject: SubjectOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """导出：审计记录（最早的在前）写成 CSV、JSON（含全部字段，可在别处重新校验）或 XLSX。

    例：jixiao audit export --format xlsx -o 审计记录.xlsx
    """
    store = open_store(db)
    kind: service.AuditFormat = fmt.value

    def write(out: Any) -> int:
        return service.export_audit(store, kind, out, actor=actor, action=action, subject=subject)

    n = write_output(output, kind, write)
    query = {"actor": actor, "action": action, "subject": subject}
    service.record_export(store, what="audit", fmt=kind, query=query, rows=n)
