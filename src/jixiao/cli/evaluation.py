"""Commands for the year-end self-evaluation and in-year monitoring: template, evaluate, monitor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from ..config import load_config
from ..findings import Severity
from .app import (
    DbOption,
    DebugOption,
    StdoutOrFileOption,
    add_columns,
    app,
    console,
    console_err,
    database,
    open_store,
    service,
    write_output,
)

if TYPE_CHECKING:
    from rich.table import Table

    from ..scoring import Evaluation, Finding, MonitoringReport

template_app = typer.Typer(
    help="模板：生成给部门填写的工作簿（自评表、监控表）。",
    no_args_is_help=True,
)
app.add_typer(template_app, name="template")

ReturnsArg = Annotated[list[Path], typer.Argument(help="填好的工作簿（.xlsx）或 JSON。")]
ConfigOption = Annotated[
    str | None,
    typer.Option("--config", help="含 [scoring] / [monitoring] 的配置文件 jixiao.toml。"),
]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="要写出的工作簿（.xlsx）。")]
DepartmentOption = Annotated[
    str | None, typer.Option("--department", help="只要此主管部门的（部分名称即可）。")
]

_SEVERITY = {
    Severity.ERROR: "[red]错误[/red]",
    Severity.WARNING: "[yellow]警告[/yellow]",
    Severity.INFO: "[dim]提示[/dim]",
}
_LIGHT = {
    "red": "[red]● 红[/red]",
    "yellow": "[yellow]● 黄[/yellow]",
    "green": "[green]● 绿[/green]",
}


@template_app.command("selfeval")
def template_selfeval(
    output: OutputOption,
    db: DbOption = None,
    department: DepartmentOption = None,
    config: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """自评表：每个项目一张受保护的工作表。

    例：jixiao template selfeval --department 财政局 -o 自评表.xlsx
    """
    from ..scoring import ScoringSettings

    settings = ScoringSettings.from_config(load_config(config))
    store = open_store(db)
    n = write_output(
        output,
        "xlsx",
        lambda out: service.write_template(
            store, "selfeval", out, department=department, settings=settings
        ),
    )
    console.print(f"已写出 {escape(str(output))}：{n} 个项目")


@template_app.command("monitor")
def template_monitor(
    output: OutputOption,
    db: DbOption = None,
    department: DepartmentOption = None,
    month: Annotated[
        int | None, typer.Option("--month", min=1, max=12, help="预填截至月份（1–12）。")
    ] = None,
    debug: DebugOption = False,
) -> None:
    """监控表：每个项目一张受保护的工作表。

    例：jixiao template monitor --month 6 -o 监控表.xlsx
    """
    store = open_store(db)
    n = write_output(
        output,
        "xlsx",
        lambda out: service.write_template(
            store, "monitor", out, department=department, month=month
        ),
    )
    console.print(f"已写出 {escape(str(output))}：{n} 个项目")


def _num(x: float | None) -> str:
    from ..scoring.formulas import round2

    return "—" if x is None else f"{round2(x):.2f}"


def _pct(x: float | None) -> str:
    from ..scoring.formulas import round2

    return "—" if x is None else f"{round2(x * 100):.2f}%"


def _findings_lines(findings: list[Finding]) -> list[str]:
    return [
        f"  {_SEVERITY[f.severity]} {escape(f.indicator + '：') if f.indicator else ''}"
        f"{escape(f.message)} [dim]({f.code})[/dim]"
        for f in findings
    ]


def _render_evaluation(e: Evaluation) -> None:
    x = e.execution
    console.print(
        f"[bold]{escape(e.project)}[/bold]  {escape(e.department or '')}    "
        f"总分 [bold]{_num(e.total)}[/bold]  等级 [bold]{escape(e.grade or '未评级')}[/bold]"
    )
    console.print(
        f"  预算执行：预算 {_fmt(x.budget)}  执行 {_fmt(x.executed)}  执行率 {_pct(x.rate)}  "
        f"得分 {_num(x.score)} / {_fmt(x.weight)}"
    )
    t = _table(box=_box().SIMPLE_HEAD, show_edge=False, pad_edge=False)
    add_columns(t, _SCORE_COLUMNS)
    for i in e.indicators:
        target = i.target_shown
        actual = _fmt(i.actual) if i.actual is not None else (i.tier or i.actual_text or "")
        t.add_row(
            escape(i.name),
            escape(target),
            escape(actual),
            _fmt(i.max),
            "不适用" if not i.applicable else _num(i.score),
            escape(", ".join(i.flags)),
        )
    console.print(t)
    console.print(
        f"  指标得分 {_num(e.indicator_score)}"
        + (f"（封顶前总分 {_num(e.capped_from)}）" if e.capped_from is not None else "")
    )
    for line in _findings_lines(e.findings):
        console.print(line, soft_wrap=True)
    console.print()


def _table(**kw: Any) -> Table:
    """A Rich table (Rich's tables are loaded when a command prints one)."""
    from rich.table import Table

    return Table(**kw)


def _box() -> Any:
    from rich import box

    return box


def _fmt(x: float | None) -> str:
    from ..model import json_number

    v = json_number(x)
    return "—" if v is None else str(v)


@app.command("evaluate")
def evaluate_cmd(
    files: ReturnsArg,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="格式：text | json | xlsx")] = "text",
    output: StdoutOrFileOption = None,
    config: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """评分：按库中的目标表为填好的自评表评分，并存入结果。

    按主管部门和项目名称对应目标表；读不了或对不上的报一行，其余照常评分。
    同一项目的新评分替换旧的。有读不了的输入或错误意见时退出码为 1。

    例：jixiao evaluate 自评表.xlsx --format xlsx -o 自评结果.xlsx
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json", "xlsx"):
        raise typer.BadParameter("must be text, json or xlsx", param_hint="--format")
    from ..scoring import ScoringSettings

    settings = ScoringSettings.from_config(load_config(config))
    run = service.evaluate(open_store(db, write=True), [str(f) for f in files], settings)
    for p in run.problems:
        console_err.print(f"[red]错误[/red] {escape(p.line())}", soft_wrap=True)
    if fmt == "json":
        text = json.dumps([e.to_json() for e in run.evaluations], ensure_ascii=False, indent=2)
        _write_text(text, output)
    elif fmt == "xlsx":
        write_output(output, "xlsx", lambda out: service.export_evaluations(run, out, settings))
    else:
        for e in run.evaluations:
            _render_evaluation(e)
        console.print(
            f"评分 {len(run.evaluations)} 个项目，无法评分 {len(run.problems)} 处"
            + (f"，未填写的工作表 {run.blank} 张已跳过" if run.blank else "")
        )
    findings = [f for e in run.evaluations for f in e.findings]
    if run.problems or service.fails((f.severity for f in findings), settings.fail_on):
        raise typer.Exit(1)


def _write_text(text: str, output: Path | None) -> None:
    write_output(output, "json", lambda out: out.write(text + "\n"))


def _render_monitoring(r: MonitoringReport) -> None:
    console.print(
        f"[bold]{escape(r.project)}[/bold]  {escape(r.department or '')}    "
        f"截至 {r.month if r.month is not None else '—'} 月  "
        f"执行进度 {_pct(r.progress)}  {_LIGHT.get(r.light or '', '—')}"
    )
    t = _table(box=_box().SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for h in ("指标名称", "指标值", "执行情况", "完成目标可能性", "", "原因", "举措"):
        t.add_column(h, overflow="fold")
    for i in r.indicators:
        t.add_row(
            escape(i.name),
            escape(i.target),
            escape(i.progress or ""),
            escape(i.likelihood or "—"),
            _LIGHT.get(i.light or "", ""),
            escape(i.reason or ""),
            escape(i.measure or ""),
        )
    console.print(t)
    for line in _findings_lines(r.findings):
        console.print(line, soft_wrap=True)
    console.print()


@app.command("monitor")
def monitor_cmd(
    files: ReturnsArg,
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="格式：text | json")] = "text",
    output: StdoutOrFileOption = None,
    config: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """监控：填好的监控表亮红黄绿灯（执行进度、各指标完成可能性）。

    例：jixiao monitor 监控表.xlsx --format json
    """
    fmt = fmt.lower()
    if fmt not in ("text", "json"):
        raise typer.BadParameter("must be text or json", param_hint="--format")
    from ..scoring import MonitoringSettings

    settings = MonitoringSettings.from_config(load_config(config))
    run = service.monitor(open_store(db), [str(f) for f in files], settings)
    for p in run.problems:
        console_err.print(f"[red]错误[/red] {escape(p.line())}", soft_wrap=True)
    if fmt == "json":
        _write_text(
            json.dumps([r.to_json() for r in run.reports], ensure_ascii=False, indent=2), output
        )
    else:
        for r in run.reports:
            _render_monitoring(r)
        counts = {
            k: sum(1 for r in run.reports if r.light == k) for k in ("red", "yellow", "green")
        }
        console.print(
            f"监控 {len(run.reports)} 个项目：红灯 {counts['red']}，黄灯 "
            f"{counts['yellow']}，绿灯 {counts['green']}"
        )
    findings = [f for r in run.reports for f in r.findings]
    if run.problems or service.fails((f.severity for f in findings), settings.fail_on):
        raise typer.Exit(1)


_SCORE_COLUMNS = (
    ("指标名称", "left"), ("目标值", "right"), ("实际完成值", "right"), ("分值", "right"),
    ("得分", "right"), ("标记", "left"),
)  # fmt: skip
_EVALUATION_COLUMNS = (
    ("#", "right"), ("主管部门", "left"), ("项目名称", "left"), ("年度", "right"),
    ("执行率", "right"), ("总分", "right"), ("等级", "center"), ("评价时间", "left"),
)  # fmt: skip


@app.command("evaluations")
def evaluations_cmd(
    key: Annotated[
        str | None,
        typer.Argument(help="显示这一条：编号，或项目名称的一部分。"),
    ] = None,
    department: DepartmentOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """自评结果：列出库中的自评结果，或显示一条及各指标得分。

    例：jixiao evaluations --department 财政局；jixiao evaluations 3
    """
    store = open_store(db)
    if key is None:
        records = service.list_evaluations(store, department=department)
        t = _table(box=_box().SIMPLE_HEAD, show_edge=False)
        for h, j in (
            ("#", "right"),
            ("主管部门", "left"),
            ("项目名称", "left"),
            ("年度", "right"),
            ("执行率", "right"),
            ("总分", "right"),
            ("等级", "center"),
            ("评价时间", "left"),
        ):
            t.add_column(h, justify=j, overflow="fold")  # type: ignore[arg-type]
        for r in records:
            t.add_row(
                str(r.id), escape(r.department or ""), escape(r.project), str(r.year or ""),
                _pct(r.execution_rate), _num(r.total), escape(r.grade or "未评级"),
                r.evaluated_at.strftime("%Y-%m-%d %H:%M"),
            )  # fmt: skip
        console.print(t)
        console.print(f"共 {len(records)} 个自评结果")
        return
    found = service.show_evaluation(store, key)
    if not found:
        console_err.print(f"没有编号或项目名称为“{escape(key)}”的自评结果")
        raise typer.Exit(1)
    for ev in found:
        r = ev.record
        console.print(
            f"[bold]{escape(r.project)}[/bold]  {escape(r.department or '')}  "
            f"总分 [bold]{_num(r.total)}[/bold]  等级 [bold]{escape(r.grade or '未评级')}[/bold]  "
            f"执行率 {_pct(r.execution_rate)}  [dim]{escape(r.input_file)}[/dim]"
        )
        t = _table(box=_box().SIMPLE_HEAD, show_edge=False, pad_edge=False)
        t.add_column("指标名称", overflow="fold")
        t.add_column("得分", justify="right")
        t.add_column("标记", overflow="fold")
        for name, score, flags in ev.items:
            t.add_row(escape(name), _num(score), escape(", ".join(flags)))
        console.print(t)
        console.print()


db_app = typer.Typer(help="数据库：创建或升级其结构。", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None, debug: DebugOption = False) -> None:
    """创建数据库，或升级到最新结构（只读的命令从不这样做）。

    例：jixiao db upgrade --db postgresql://jixiao@db/jixiao
    """
    url = service.upgrade_database(database(db))
    console.print(f"数据库 {escape(service.where(url))} 已是最新结构")
