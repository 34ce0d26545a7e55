"""The flat, one-row-per-indicator view shared by the CSV and XLSX exports.

Chinese headers, because the people who open these files read the paper form.
A table with no indicator still gets one row, so no table is lost in the flat view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..model import Indicator, TargetTable, json_number

Getter = Callable[[TargetTable], Any]

# (header, width in characters, getter) for the table's own fields.
TABLE_COLUMNS: list[tuple[str, int, Getter]] = [
    ("文件", 22, lambda t: t.source.file if t.source else None),
    ("表序号", 6, lambda t: t.source.index + 1 if t.source else None),
    ("地区", 8, lambda t: t.region),
    ("年度", 6, lambda t: t.year),
    ("类别", 10, lambda t: t.kind),
    ("表号", 6, lambda t: t.label),
    ("主管部门", 24, lambda t: t.department),
    ("实施单位", 24, lambda t: t.implementer),
    ("项目名称", 30, lambda t: t.project),
    ("预算执行率权重", 8, lambda t: json_number(t.execution_weight)),
    ("金额单位", 6, lambda t: t.money_unit),
    ("项目总资金额", 10, lambda t: json_number(t.funds.total)),
    ("上级补助", 10, lambda t: json_number(t.funds.superior)),
    ("区级资金", 10, lambda t: json_number(t.funds.district)),
    ("其他资金", 10, lambda t: json_number(t.funds.other)),
    ("项目概况", 40, lambda t: t.overview),
    ("立项依据", 40, lambda t: t.basis),
    ("当年绩效目标", 40, lambda t: t.goal),
    ("联系人", 8, lambda t: t.contact.name),
    ("联系电话", 14, lambda t: t.contact.phone),
    ("其他栏目", 30, lambda t: "；".join(f"{k}：{v}" for k, v in t.extra.items()) or None),
]

IndicatorGetter = Callable[[Indicator], Any]

INDICATOR_COLUMNS: list[tuple[str, int, IndicatorGetter]] = [
    ("一级指标", 10, lambda i: i.level1),
    ("二级指标", 12, lambda i: i.level2),
    ("指标名称", 30, lambda i: i.name),
    ("指标性质", 6, lambda i: i.operator),
    ("指标值", 12, lambda i: i.value),
    ("指标数值", 10, lambda i: json_number(i.number)),
    ("指标单位", 8, lambda i: i.unit),
    ("分值", 6, lambda i: json_number(i.score)),
    ("是否核心", 6, lambda i: "是" if i.core else "否"),
]

HEADERS = [h for h, _, _ in TABLE_COLUMNS] + ["指标序号"] + [h for h, _, _ in INDICATOR_COLUMNS]
WIDTHS = [w for _, w, _ in TABLE_COLUMNS] + [6] + [w for _, w, _ in INDICATOR_COLUMNS]


def flat_rows(tables: Iterable[TargetTable]) -> Iterator[list[Any]]:
    """One row per indicator: the table's fields, the indicator's position, its fields."""
    for t in tables:
        base = [g(t) for _, _, g in TABLE_COLUMNS]
        if not t.indicators:
            yield base + [None] * (1 + len(INDICATOR_COLUMNS))
        for n, ind in enumerate(t.indicators, 1):
            yield base + [n] + [g(ind) for _, _, g in INDICATOR_COLUMNS]
