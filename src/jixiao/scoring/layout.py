"""The self-evaluation and monitoring workbook layouts, shared by the writer and the reader.

Each project is one sheet. Row 1 is hidden and keys the sheet to its stored table
(``A1`` the layout marker, then department, project, source file and index, year);
column A is hidden and marks what each row is (``budget``, ``ind:3:q`` for the fourth
indicator, quantitative; ``ind:5:t`` for a 定性 one; ``total``), so the reader finds
rows by what they are and never by counting.
"""

from __future__ import annotations

import re

SELFEVAL_MARK = "jixiao:selfeval:1"
MONITOR_MARK = "jixiao:monitor:1"

KEY_ROW = 1
BUDGET_ROW = 6
HEADER_ROW = 8
FIRST_INDICATOR_ROW = 9

# Self-evaluation (自评表) columns.
SE_BUDGET_HEAD = (
    "项目资金",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
    "执行偏差原因",
)
SE_INITIAL, SE_ADJUSTED, SE_EXECUTED, SE_WEIGHT, SE_RATE, SE_EXEC_SCORE, SE_EXEC_REASON = (
    3, 4, 5, 6, 7, 8, 9,
)  # fmt: skip
SE_HEAD = (
    "一级指标", "二级指标", "指标名称", "指标性质", "年度指标值", "指标单位", "分值",
    "实际完成值", "评价档次（定性指标）", "得分", "偏差原因分析及改进措施", "是否适用",
)  # fmt: skip
SE_LEVEL1, SE_LEVEL2, SE_NAME, SE_OP, SE_TARGET, SE_UNIT, SE_MAX = 2, 3, 4, 5, 6, 7, 8
SE_ACTUAL, SE_TIER, SE_SCORE, SE_REASON, SE_APPLICABLE = 9, 10, 11, 12, 13
SE_LAST_COL = 13

# Monitoring (监控表) columns.
MO_BUDGET_HEAD = (
    "项目资金",
    "年初预算数",
    "截至月份",
    "1–N月执行数",
    "全年预计执行数",
    "执行率",
    "执行进度",
    "监控日期",
)
MO_INITIAL, MO_MONTH, MO_EXECUTED, MO_EXPECTED, MO_RATE, MO_PROGRESS, MO_DATE = 3, 4, 5, 6, 7, 8, 9
MO_HEAD = (
    "一级指标", "二级指标", "指标名称", "指标性质", "指标值", "指标单位",
    "执行情况", "完成目标可能性", "原因", "举措",
)  # fmt: skip
MO_NAME, MO_PROGRESS_TEXT, MO_LIKELIHOOD, MO_REASON, MO_MEASURE = 4, 8, 9, 10, 11
MO_LAST_COL = 11

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")  # and control characters


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: ≤ 31 characters, none of ``[]:*?/\\``, not quoted at the
    ends, unique (case-insensitive) among ``taken``, which it joins."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip().strip("'") or "项目"
    base = base[:31]
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title
