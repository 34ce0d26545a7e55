"""Scores (分值): the indicator scores and the budget-execution weight add up to 100."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import TargetTable
from .base import Context, Finding, ParamValue, rule
from .common import district_form, fmt, form_has, has_points, own_tree

_PARAMS: dict[str, tuple[ParamValue, str]] = {
    "indicator_total": (90, "指标分值应有的合计"),
    "execution_weight": (10, "预算执行率权重应有的分值"),
    "tolerance": (0.01, "允许的误差（分）"),
    "allow_without_weight": (True, "无预算执行率权重行且指标合计 100 分的表（全国样式）不报"),
}


def _full_indicator_total(table: TargetTable, ctx: Context) -> bool:
    """A table with no execution-weight row whose indicators carry all 100 points.

    The national layout often has no 预算执行率权重 row and scores indicators out of
    100 (spec target-table.md); such a table is not short of anything.
    """
    total = sum(i.score or 0 for i in table.indicators)
    full = ctx["indicator_total"] + ctx["execution_weight"]
    return (
        bool(ctx["allow_without_weight"])
        and table.execution_weight is None
        and abs(total - full) <= ctx["tolerance"]
    )


@rule(
    code="scores.total",
    severity="error",
    basis="评价办法：指标分值合计 90 分，预算执行率 10 分，共 100 分。",
    params=_PARAMS,
)
def total(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """指标分值合计: the indicator scores add up to 90.

    Indicators without a score count as 0 here; ``completeness.score`` reports them.
    """
    if not table.indicators or not has_points(table) or _full_indicator_total(table, ctx):
        return  # a form with no 分值 column: scores.no_points says so, once
    s = sum(i.score or 0 for i in table.indicators)
    if abs(s - ctx["indicator_total"]) > ctx["tolerance"]:
        yield ctx.finding(
            table,
            "indicators",
            f"绩效指标分值合计为{fmt(s)}分，应为{fmt(ctx['indicator_total'])}分。",
        )


@rule(
    code="scores.execution_weight",
    severity="error",
    basis="评价办法：预算执行率权重 10 分。",
    params=_PARAMS,
)
def execution_weight(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """预算执行率权重: present, and 10 points.

    A table without the row cannot be self-evaluated on budget execution, unless
    its indicators carry all 100 points (the national layout).
    """
    w = table.execution_weight
    if w is None:
        if (
            district_form(table)
            and form_has(table, "execution_weight")
            and not _full_indicator_total(table, ctx)
        ):
            yield ctx.finding(
                table,
                "execution_weight",
                f"表中缺少“预算执行率权重”行（应为{fmt(ctx['execution_weight'])}分）。",
            )
        return
    if abs(w - ctx["execution_weight"]) > ctx["tolerance"]:
        yield ctx.finding(
            table,
            "execution_weight",
            f"预算执行率权重为{fmt(w)}分，应为{fmt(ctx['execution_weight'])}分。",
        )


@rule(
    code="scores.no_points",
    severity="info",
    basis=(
        "财预〔2020〕10号：目标表未设分值的，自评时按一级指标默认分值"
        "（产出 50、效益 30、满意度 10）。"
    ),
)
def no_points(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A form without a 分值 column: one note, never one finding per indicator.

    Its points are set at self-evaluation by the default split (evaluation.md §4).
    """
    if not table.indicators or has_points(table):
        return
    if own_tree(table):
        message = "本表没有分值列，指标也不按产出/效益/满意度分级：自评前须另定各指标分值。"
    else:
        split = ctx.scoring.default_points if ctx.scoring else _DEFAULT_SPLIT
        parts = "、".join(f"{k.removesuffix('指标')} {fmt(v)}" for k, v in split.items())
        message = f"本表没有分值列：自评时按一级指标默认分值分配（{parts} 分）。"
    yield ctx.finding(table, "indicators", message)


_DEFAULT_SPLIT = {"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}
