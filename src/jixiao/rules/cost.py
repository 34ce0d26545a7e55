"""Cost (成本): a cost indicator stays within the money the project has."""

from __future__ import annotations

from collections.abc import Iterator

from ..classify import COST
from ..model import TargetTable
from .base import Context, Finding, rule
from .common import fmt, money_scale


@rule(
    code="cost.exceeds_total",
    severity="error",
    basis="以金额单位计的成本指标不超过项目总资金额。",
    params={"tolerance": (0.01, "允许的误差（金额单位）")},
)
def exceeds_total(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """成本指标 in a money unit (converted to the table's: 元 vs 万元) is at most the total.

    Equal to the total is fine (``成本控制 < 1218.05 万元`` of 1218.05).
    """
    total = table.funds.total
    table_scale = money_scale(table.money_unit or "万元")
    if total is None or table_scale is None:
        return
    for i, (ind, c) in enumerate(zip(table.indicators, ctx.levels(table), strict=True)):
        scale = money_scale(ind.unit)
        if c.level2 != COST or scale is None or ind.number is None:
            continue
        amount = ind.number * scale / table_scale
        if amount > total + ctx["tolerance"]:
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"成本指标“{ind.name}”为{ind.value}{ind.unit}，超过项目总资金额"
                f"{fmt(total)}{table.money_unit or ''}。",
            )
