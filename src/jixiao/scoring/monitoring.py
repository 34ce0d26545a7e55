"""运行监控 ("双监控"): budget execution progress and each indicator's likelihood, at a month.

:func:`monitor` turns a :class:`MonitoringReturn` into traffic lights: execution progress
``p = (executed / budget) / (month / 12)`` (red below 60%, yellow to 80%, green from 80%),
and per indicator the likelihood of meeting the target (确定能 green, 有可能 yellow,
不可能 red). 有可能 and 不可能 need a reason and a corrective measure; a missing one
is a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding
from ..model import TargetTable, json_number
from . import formulas as f
from .returns import MonitoringReturn, Origin, Progress
from .selfeval import finding
from .settings import MonitoringSettings

LIKELIHOODS: tuple[str, str, str] = ("确定能", "有可能", "不可能")
_LAMP_WORD = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
_LIKELIHOOD_LIGHT: dict[str, f.Light] = {"确定能": "green", "有可能": "yellow", "不可能": "red"}


@dataclass(slots=True)
class IndicatorWatch:
    """指标监控: one indicator's progress, likelihood, light, reason and measure."""

    name: str
    target: str
    progress: str | None
    likelihood: str | None
    light: f.Light | None
    reason: str | None
    measure: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "target": self.target, "progress": self.progress,
            "likelihood": self.likelihood, "light": self.light, "reason": self.reason,
            "measure": self.measure,
        }  # fmt: skip


@dataclass(slots=True)
class MonitoringReport:
    """监控结果: one project's execution light and indicator lights."""

    project: str
    department: str | None
    month: int | None
    budget: float | None
    executed: float | None
    expected: float | None
    progress: float | None  # p
    light: f.Light | None
    indicators: list[IndicatorWatch]
    findings: list[Finding] = field(default_factory=list)
    origin: Origin | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "department": self.department,
            "month": self.month,
            "execution": {
                "budget": json_number(self.budget),
                "executed": json_number(self.executed),
                "expected": json_number(self.expected),
                "rate": None
                if self.budget is None or self.executed is None or self.budget <= 0
                else json_number(f.round2(self.executed / self.budget * 100) / 100),
                "progress": None
                if self.progress is None
                else json_number(f.round2(self.progress * 100) / 100),
                "light": self.light,
            },
            "indicators": [i.to_json() for i in self.indicators],
            "findings": [x.to_json() for x in self.findings],
        }


def monitor(
    table: TargetTable, ret: MonitoringReturn, settings: MonitoringSettings | None = None
) -> MonitoringReport:
    """监控: execution light from p, and a light per indicator from its likelihood."""
    s = settings or MonitoringSettings()
    findings: list[Finding] = []
    budget = ret.budget if ret.budget is not None else table.funds.total
    p = None
    lamp: f.Light | None = None
    if ret.month is None or not 1 <= ret.month <= 12:
        findings.append(
            finding("month-invalid", "error", f"监控月份应为 1–12（填写为 {ret.month}）")
        )
    elif ret.executed is None:
        findings.append(finding("executed-missing", "error", f"未填 1–{ret.month}月执行数"))
    elif budget is None or budget <= 0:
        findings.append(finding("budget-zero", "error", "预算数为 0 或未填，执行进度无法计算"))
    else:
        p = f.progress(ret.executed, budget, ret.month)
        if p is not None:
            lamp = f.light(p, s.red_below, s.green_from)
            if lamp != "green":
                findings.append(
                    finding(
                        f"execution-{lamp}",
                        "warning" if lamp == "red" else "info",
                        f"执行进度 {f.round2(p * 100)}%（执行率 "
                        f"{f.round2(ret.executed / budget * 100)}%，时间进度 "
                        f"{f.round2(ret.month / 12 * 100)}%）：{_LAMP_WORD[lamp]}",
                    )
                )
    rows = _join(table, ret.indicators)
    watches = []
    for ind, row in zip(table.indicators, rows, strict=True):
        watches.append(_watch(ind.name, ind.operator, ind.value, ind.unit, row, findings))
    names = {i.name.strip() for i in table.indicators}
    for row in ret.indicators:
        if row.indicator not in names:
            findings.append(
                finding(
                    "unknown-indicator",
                    "error",
                    f"目标表中没有指标“{row.indicator}”",
                    row.indicator,
                )
            )
    return MonitoringReport(
        project=table.project, department=table.department, month=ret.month, budget=budget,
        executed=ret.executed, expected=ret.expected, progress=p, light=lamp,
        indicators=watches, findings=findings, origin=ret.origin,
    )  # fmt: skip


def _join(table: TargetTable, rows: list[Progress]) -> list[Progress | None]:
    out: list[Progress | None] = [None] * len(table.indicators)
    for r in rows:
        p = r.position
        if (
            p is not None
            and 0 <= p < len(out)
            and out[p] is None
            and (table.indicators[p].name.strip() == r.indicator)
        ):
            out[p] = r
            continue
        for n, ind in enumerate(table.indicators):
            if out[n] is None and ind.name.strip() == r.indicator:
                out[n] = r
                break
    return out


def _watch(
    name: str, op: str | None, value: str, unit: str, row: Progress | None, out: list[Finding]
) -> IndicatorWatch:
    target = f"{op if op and op != '定性' else ''}{value}{'' if value.endswith(unit) else unit}"
    if row is None or row.likelihood is None:
        out.append(finding("likelihood-missing", "warning", "未选择完成目标可能性", name))
        return IndicatorWatch(
            name,
            target,
            row.progress if row else None,
            None,
            None,
            row.reason if row else None,
            row.measure if row else None,
        )
    like = row.likelihood.strip()
    lamp = _LIKELIHOOD_LIGHT.get(like)
    if lamp is None:
        out.append(
            finding(
                "likelihood-unknown",
                "error",
                f"完成目标可能性“{like}”不是 确定能 / 有可能 / 不可能 之一",
                name,
            )
        )
    elif lamp != "green":
        if not row.reason:
            out.append(
                finding("reason-missing", "error", f"完成目标可能性为“{like}”，需填写原因", name)
            )
        if not row.measure:
            out.append(
                finding("measure-missing", "error", f"完成目标可能性为“{like}”，需填写举措", name)
            )
    return IndicatorWatch(name, target, row.progress, like, lamp, row.reason, row.measure)
