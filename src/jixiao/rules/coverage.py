"""Coverage (指标体系): the indicators cover output, outcome and satisfaction."""

from __future__ import annotations

from collections.abc import Iterator

from ..classify import COST_L1, OUTCOME, OUTPUT, SATISFACTION, Classification
from ..model import TargetTable
from .base import Context, Finding, rule
from .common import fmt, has_points, own_tree


def _first(c: Classification) -> str:
    # 101号 puts cost on the first level; for coverage it is part of what is delivered.
    return OUTPUT if c.level1 == COST_L1 else c.level1


@rule(
    code="coverage.output_outcome",
    severity="error",
    basis="至少有一项产出指标和一项效益指标（一级指标）。",
)
def output_outcome(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """At least one 产出指标 and one 效益指标, by the table's or the inferred levels."""
    if not table.indicators:
        return
    have = {_first(c) for c in ctx.levels(table)}
    missing = [lv for lv in (OUTPUT, OUTCOME) if lv not in have]
    if missing:
        yield ctx.finding(
            table, "indicators", f"绩效指标中没有{'和'.join(missing)}（按指标名称推定一级指标）。"
        )


@rule(
    code="coverage.satisfaction", severity="warning", basis="一般应设满意度指标（服务对象满意度）。"
)
def satisfaction(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """At least one 满意度指标."""
    if not table.indicators:
        return
    if any("满意" in i.name for i in table.indicators):
        return  # a satisfaction indicator filed under another level is still there
    if all(_first(c) != SATISFACTION for c in ctx.levels(table)):
        yield ctx.finding(table, "indicators", "绩效指标中没有满意度指标。")


@rule(
    code="coverage.split",
    severity="info",
    basis="90 分在产出、效益、满意度之间大致按 50/30/10 分配。",
    params={
        "output": (50, "产出指标（含成本）的参考分值"),
        "outcome": (30, "效益指标的参考分值"),
        "satisfaction": (10, "满意度指标的参考分值"),
        "tolerance": (15, "偏离参考分值多少分以上才提示"),
    },
)
def split(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """The 90 points are split near 50/30/10 between 产出, 效益 and 满意度."""
    if not has_points(table):
        return  # a form without 分值: scores.no_points says so once
    if table.form == "部门整体" or own_tree(table):
        return  # whole-year indicators (预算执行率 …), or a tree of its own: no 50/30/10

    got = {OUTPUT: 0.0, OUTCOME: 0.0, SATISFACTION: 0.0}
    for ind, c in zip(table.indicators, ctx.levels(table), strict=True):
        got[_first(c)] = got.get(_first(c), 0.0) + (ind.score or 0)
    want = {OUTPUT: ctx["output"], OUTCOME: ctx["outcome"], SATISFACTION: ctx["satisfaction"]}
    if any(abs(got[k] - want[k]) > ctx["tolerance"] for k in want):
        have = "/".join(fmt(got[k]) for k in want)
        ref = "/".join(fmt(want[k]) for k in want)
        yield ctx.finding(
            table, "indicators", f"产出/效益/满意度指标分值为{have}，与参考分配{ref}相差较大。"
        )
