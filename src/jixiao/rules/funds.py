"""Funds (资金): the total equals the sum of its sources."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import TargetTable
from .base import Context, Finding, rule
from .common import district_form, fmt


@rule(
    code="funds.balance",
    severity="error",
    basis="项目总资金额 = 上级补助 + 区级资金 + 其他资金（空为 0），误差不超过 0.01。",
    params={"tolerance": (0.01, "允许的误差（金额单位）")},
)
def balance(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """资金来源合计: 项目总资金额 equals 上级补助 + 区级资金 + 其他资金.

    An empty source counts as 0. A table without a total is reported by
    ``completeness.funds`` instead. A table that states no source at all says nothing
    to compare; on other forms than the district one (whose three source rows are all
    printed) the sources listed may be a part of the total (其中：财政拨款), so only a
    sum above the total is reported there.
    """
    f = table.funds
    if f.total is None:
        return
    parts = [("上级补助", f.superior), ("区级资金", f.district), ("其他资金", f.other)]
    if all(v is None for _, v in parts):
        return
    s = sum(v or 0 for _, v in parts)
    short = f.total - s > ctx["tolerance"]
    if (short and district_form(table)) or s - f.total > ctx["tolerance"]:
        unit = table.money_unit or ""
        listed = "、".join(f"{k}{fmt(v)}" for k, v in parts if v is not None) or "各来源均为空"
        yield ctx.finding(
            table,
            "funds.total",
            f"项目总资金额{fmt(f.total)}{unit}与资金来源合计{fmt(s)}{unit}（{listed}）不符。",
        )
