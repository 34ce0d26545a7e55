"""Small helpers the rule modules share: numbers as a reviewer writes them, money units."""

from __future__ import annotations

import re

from ..classify import normalize_level1, normalize_level2
from ..model import Indicator, TargetTable, json_number
from ..values import shown_target

# Money units and what one of them is worth in 元.
MONEY_SCALE: dict[str, float] = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}
QUANTITATIVE = ("≥", "≤", "=", ">", "<")


def fmt(x: float | None) -> str:
    """``10.0`` → ``"10"``, ``763.1800000001`` → ``"763.18"``: a number as a person writes it."""
    if x is None:
        return "（空）"
    v = json_number(round(x, 6))
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def money_scale(unit: str | None) -> float | None:
    """元 per one unit of ``unit`` (``"万元"`` → 10000), None when it is no money unit."""
    if unit is None:
        return None
    return MONEY_SCALE.get(re.sub(r"\s+", "", unit))


def ind_field(i: int, attr: str | None = None) -> str:
    return f"indicators[{i}]" + (f".{attr}" if attr else "")


def target_text(ind: Indicator) -> str:
    """The indicator's target as a reviewer quotes it (:func:`~jixiao.values.shown_target`)."""
    return shown_target(ind.value, ind.operator, ind.unit)


def district_form(table: TargetTable) -> bool:
    """The district form (the seeds): 预算执行率权重 row, 分值 and 是否核心 columns.

    Rules about those rows and columns say nothing on other forms, which do not have
    them (evaluation.md §2, "Rules follow the layout"). A table built in memory with
    no layout recorded is judged by what it carries: levels mean another form.
    """
    if table.layout is not None:
        return table.layout == "district"
    return not any(i.level1 or i.level2 for i in table.indicators)


def form_has(table: TargetTable, field: str) -> bool:
    """Whether the table's form has a row or column for ``field`` (filled in or not).

    A table is not short of a row its form lacks: a 批复表 without 主管部门, a summary
    table without 年度目标. Where the reader recorded no form fields, every one is assumed.
    """
    return table.form_fields is None or field in table.form_fields


def own_tree(table: TargetTable) -> bool:
    """The form files indicators under first levels of its own (实施效果, 过程管理, 制度指标),
    outside the 产出/效益/满意度 tree: the 50/30/10 split says nothing about it."""
    return any(
        i.level1
        and i.level1.strip()
        and normalize_level1(i.level1) is None
        and normalize_level2(i.level2) is None
        for i in table.indicators
    )


def has_points(table: TargetTable) -> bool:
    """Whether the table's form gives indicators points at all (a 分值 column)."""
    return any(i.score is not None for i in table.indicators)
