"""Time (时间): deadlines and dates fall inside the budget year."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..model import TargetTable
from .base import Context, Finding, rule
from .common import fmt

_DATE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?")
_MONTH = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?(?:底|末|前|之前|以前|份)")
# A year that names what is counted, not when: "2017年底前…陈案", "较2023年", "2023年以来".
_REFERENCE_AFTER = re.compile(r"^[^，。；]{0,8}?(?:陈案|存量|历史|遗留|以来|起|同期|基数|水平)")
_REFERENCE_BEFORE = re.compile(r"(?:较|比|与|相比|同比|自|从|截至)\s*$")
_DEADLINE_NAME = re.compile(r"时限|完成时间|完成期限|完成年限|完成时限|工期")
_DAYS_IN = {"月": 12, "个月": 12, "日": 366, "天": 366, "年": 1}


@rule(code="time.outside_year", severity="error", basis="完成时限和日期在标题所示预算年度之内。")
def outside_year(table: TargetTable, ctx: Context) -> Iterator[Finding]:
    """Dates in indicators (``2024年12月底完成率``) and deadlines lie in the budget year.

    A year that names what is counted rather than when (``2017年底前陈案``, ``较2023年``)
    is not a deadline. A deadline indicator (完成时限) longer than the year (``≤ 13 月``)
    is reported too.
    """
    year = table.year
    for i, ind in enumerate(table.indicators):
        for attr, text in (("name", ind.name), ("value", ind.value)):
            for m in _DATE.finditer(text):
                y = int(m.group(1))
                if year is None or y == year or not 1990 <= y <= 2100:
                    continue
                if _REFERENCE_AFTER.match(text[m.end() :]) or _REFERENCE_BEFORE.search(
                    text[: m.start()]
                ):
                    continue
                yield ctx.finding(
                    table,
                    f"indicators[{i}].{attr}",
                    f"指标“{ind.name}”中的日期“{m.group(0)}”不在{year}年度内。",
                )
            for m in _MONTH.finditer(text):
                month, day = int(m.group(1)), int(m.group(2) or 1)
                if not (1 <= month <= 12 and 1 <= day <= 31):
                    yield ctx.finding(
                        table,
                        f"indicators[{i}].{attr}",
                        f"指标“{ind.name}”中的日期“{m.group(0)}”不存在。",
                    )
        limit = _DAYS_IN.get(ind.unit.strip())
        if (
            limit is not None
            and ind.number is not None
            and _DEADLINE_NAME.search(ind.name)
            and ind.operator in ("=", "≤", "<", None)
            and ind.number > limit
        ):
            yield ctx.finding(
                table,
                f"indicators[{i}].value",
                f"完成时限“{ind.name}”为{fmt(ind.number)}{ind.unit}，超出一个预算年度。",
            )
