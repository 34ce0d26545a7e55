"""Value form (指标值): operator, number and unit written so the indicator can be scored."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import TargetTable
from ..values import is_operator_variant
from .base import Context, Finding, rule
from .common import QUANTITATIVE, district_form, fmt, target_text

# A variant written at the head of a value cell (national layout): "≧95%", "》3".
_LEADING_VARIANT = re.compile(r"^\s*(≧|≦|》|《|\\geq|\\leq|\\ge|\\le|＞＝|＜＝|＞|＜|＝|>=|<=)")


def _national(table: TargetTable) -> bool:
    """Forms other than the district one keep the operator and unit in the value cell."""
    return not district_form(table)


@rule(code="values.missing_number", severity="error", basis="定量指标（≥ ≤ = > <）须有数值。")
def missing_number(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A quantitative operator (≥ ≤ = > <) comes with a number in 指标值."""
    for i, ind in enumerate(table.indicators):
        if ind.operator in QUANTITATIVE and ind.number is None:
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"指标“{ind.name}”为定量指标（{ind.operator}），但指标值“{ind.value}”不是数值。",
            )


@rule(code="values.missing_unit", severity="warning", basis="定量指标须有计量单位。")
def missing_unit(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A quantitative indicator states its unit (指标单位)."""
    for i, ind in enumerate(table.indicators):
        if ind.operator in QUANTITATIVE and ind.number is not None and not ind.unit.strip():
            yield ctx.finding(
                table,
                f"indicators[{i}].unit",
                f"指标“{ind.name}”（{target_text(ind)}）未填写计量单位。",
            )


@rule(code="values.qualitative_text", severity="error", basis="定性指标须用文字写明要达到的状态。")
def qualitative_text(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A 定性 indicator states what is to be achieved: in words, or as a date or period
    (``2023.07-2024.01`` is a deadline, not a missing description)."""
    for i, ind in enumerate(table.indicators):
        if ind.operator == "定性" and not re.search(r"[^\W_]", ind.value):
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"定性指标“{ind.name}”的指标值“{ind.value}”没有文字描述。",
            )


@rule(
    code="values.unit_repeated",
    severity="warning",
    basis="指标值与指标单位分列时，指标值不重复单位（“10%”配单位“%”）。",
)
def unit_repeated(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """指标值 does not repeat its unit: ``10%`` with unit ``%`` reads as 10%%.

    Not reported for the national layout, where the value cell holds the unit
    and the unit is split out of it.
    """
    if _national(table):
        return
    for i, ind in enumerate(table.indicators):
        unit = ind.unit.strip()
        value = ind.value.strip()
        if unit and ind.number is not None and value != unit and value.endswith(unit):
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"指标“{ind.name}”的指标值“{value}”重复了单位“{unit}”。",
            )


@rule(
    code="values.operator_variant",
    severity="warning",
    basis="指标性质用 ≥ ≤ = > < 定性 之一；“≧”“》”“\\geq”等写法应改正。",
)
def operator_variant(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """指标性质 is written with the standard symbol, not a variant (``≧``, ``》``, ``\\geq``).

    ``>=`` and ``<=`` are how a keyboard writes ≥ and ≤: the same operator, read the same
    by everyone, so they are not reported.
    """
    for i, ind in enumerate(table.indicators):
        written = ind.operator_written
        where = "指标性质"
        if written is None:
            m = _LEADING_VARIANT.match(ind.value)
            written = m.group(1) if m and is_operator_variant(m.group(1)) else None
            where = "指标值中的符号"
        if written and ind.operator and written.strip() not in _KEYBOARD:
            yield ctx.finding(
                table,
                f"indicators[{i}].operator",
                f"指标“{ind.name}”的{where}写作“{written}”，应为“{ind.operator}”。",
            )


_KEYBOARD = frozenset({">=", "<="})


@rule(
    code="values.percent_range",
    severity="error",
    basis="百分比指标值在 0–100 之间。",
    params={
        "minimum": (0, "百分比下限"),
        "maximum": (100, "百分比上限"),
        "exempt_words": (
            ["增长", "增幅", "增速", "提高", "提升", "同比", "环比", "增加"],
            "名称含这些词的指标（增长率可超过100%）不报",
        ),
    },
)
def percent_range(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A percentage lies in 0–100; growth rates (增长、提升…) are exempt."""
    for i, ind in enumerate(table.indicators):
        if ind.unit.strip() not in ("%", "％") or ind.number is None:
            continue
        if any(w in ind.name for w in ctx["exempt_words"]):
            continue
        if not ctx["minimum"] <= ind.number <= ctx["maximum"]:
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"指标“{ind.name}”的指标值为{fmt(ind.number)}%，"
                f"超出{fmt(ctx['minimum'])}–{fmt(ctx['maximum'])}%。",
            )
