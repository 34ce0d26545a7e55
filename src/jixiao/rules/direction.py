"""Direction (指标方向): the operator points the way the project should go."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..classify import COST
from ..model import TargetTable
from .base import Context, Finding, rule
from .common import fmt, money_scale, target_text

# Things a project wants fewer of: "≤" is right for them whatever the goal says.
_FEWER = re.compile(
    r"事故|投诉|故障|案件|案发|违法|风险|事件|死亡|伤亡|损失|浓度|排放|污染|"
    r"成本|费用|时限|时间|期限|周期|天数|发生|中断|失业|火灾|隐患|不良|差错"
)
# Words before a figure in the goal that make it a ceiling, not a delivery.
_CEILING_BEFORE = re.compile(
    r"(?:≤|<|＜|≦|不超过|不高于|不多于|以内|控制在|低于|少于|小于|减少|下降|"
    r"降低|压减|降至|减少到)\s*$"
)
_CEILING_AFTER = re.compile(r"^\s*(?:以内|以下|之内)")


@rule(
    code="direction.cost",
    severity="error",
    basis="成本（资金）类指标用 ≤ 或 =：花得越少越好，不设下限。",
)
def cost(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """A cost indicator (成本指标, in money) uses ≤ or =, never ≥ or >."""
    for i, (ind, c) in enumerate(zip(table.indicators, ctx.levels(table), strict=True)):
        if c.level2 != COST or ind.operator not in ("≥", ">"):
            continue
        unit = ind.unit.strip()
        if money_scale(unit) is None and "元" not in unit:
            continue
        yield ctx.finding(
            table,
            f"indicators[{i}].operator",
            f"成本指标“{ind.name}”用“{target_text(ind)}”，成本类指标应使用“≤”或“=”。",
        )


@rule(
    code="direction.goal_promise",
    severity="error",
    basis="目标承诺完成的产出（目标写“完成20家”）不能用 ≤ 或 < 表示（“≤20家”）。",
)
def goal_promise(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """An output the goal promises to deliver uses ≥ or =, not ≤ or <.

    The goal must name the same figure and unit (``20家``) in a clause that shares
    words with the indicator, without a ceiling word around it (``≤5件``,
    ``控制在…以内``); things a project wants fewer of (事故、投诉…) are left alone.
    """
    goal = table.goal or ""
    if not goal:
        return
    for i, ind in enumerate(table.indicators):
        if ind.operator not in ("≤", "<") or ind.number is None:
            continue
        unit = ind.unit.strip()
        if not unit or unit in ("%", "％") or _FEWER.search(ind.name):
            continue
        n = fmt(ind.number)
        for m in re.finditer(rf"(?<![\d.]){re.escape(n)}\s*{re.escape(unit)}", goal):
            if _CEILING_BEFORE.search(goal[: m.start()]) or _CEILING_AFTER.match(goal[m.end() :]):
                continue
            clause = _clause(goal, m.start(), m.end())
            if not _shares_words(ind.name, clause):
                continue
            yield ctx.finding(
                table,
                f"indicators[{i}].operator",
                f"当年绩效目标写明“{clause}”，指标“{ind.name}”却为“{ind.operator}{n}{unit}”，"
                "承诺完成的产出应使用“≥”或“=”。",
            )
            break


def _clause(text: str, start: int, end: int) -> str:
    stops = "，。；;,\n"
    a = max(text.rfind(c, 0, start) for c in stops) + 1
    bs = [j for j in (text.find(c, end) for c in stops) if j >= 0]
    return text[a : min(bs) if bs else len(text)].strip()


def _shares_words(name: str, clause: str) -> bool:
    """Two characters in a row of the name appear in the clause (``油烟整治``)."""
    name = re.sub(r"[\W\d_]", "", name)
    return any(name[k : k + 2] in clause for k in range(len(name) - 1))
