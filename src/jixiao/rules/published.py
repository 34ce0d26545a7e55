"""Published self-evaluations (自评复核): where a department scored itself above the rules.

A self-evaluation form read from a published document carries the department's own
得分; :mod:`jixiao.scoring.published` re-scores it by evaluation.md §4 and each
difference becomes one finding here (§6). Tables without a self-evaluation are not
looked at.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import TargetTable
from ..scoring.published import Kind, compare
from .base import Context, Finding, rule


def _differences(table: TargetTable, ctx: Context, kind: Kind) -> Iterator[Finding]:
    got = ctx.rescore(table) if ctx.rescore is not None else compare(table, ctx.scoring)
    if got is None:
        return
    for d in got.differences:
        if d.kind != kind:
            continue
        where = {
            "indicator": f"self_evaluation.indicators[{d.position}].score_given",
            "execution": "self_evaluation.budget.score",
            "total": "self_evaluation.total_given",
            "grade": "self_evaluation.grade_given",
        }[kind]
        name = table.indicators[d.position].name if d.position is not None else None
        yield ctx.finding(table, where, f"指标“{name}”：{d.message}" if name else d.message)


@rule(
    code="published.indicator-above-rules",
    severity="warning",
    basis="§6：定量指标按 §4 公式计分；未达目标却给满分、或高于公式得分的自评得分应说明。",
)
def indicator_above_rules(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A quantitative indicator scored above its formula (full points below its target)."""
    yield from _differences(table, ctx, "indicator")


@rule(
    code="published.execution-above-rate",
    severity="warning",
    basis="§4：预算执行得分 = min(执行率, 1) × 分值。",
)
def execution_above_rate(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """Budget-execution points above ``rate × weight``."""
    yield from _differences(table, ctx, "execution")


@rule(
    code="published.total-not-sum",
    severity="error",
    basis="§4：总分 = 预算执行得分 + 各指标得分之和。",
)
def total_not_sum(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """The printed total is not the sum of its parts."""
    yield from _differences(table, ctx, "total")


@rule(
    code="published.grade-above-band",
    severity="error",
    basis="§4：90 分及以上为优，80–90 良，60–80 中，60 以下差（按 [scoring] grades）。",
)
def grade_above_band(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A grade better than the band its total falls in."""
    yield from _differences(table, ctx, "grade")
