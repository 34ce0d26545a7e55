"""The scored self-evaluation as a workbook: the official layout with 得分 and 评价等级
filled, and summaries by department (projects, funds, average score, grade counts).

Sheets: 汇总 (one row per department), then for each department its summary sheet
followed by its projects' scored tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..model import json_number
from ..scoring import layout as L
from ..scoring.formulas import round2
from ..scoring.run import Scored
from ..scoring.settings import ScoringSettings
from .templates import BOLD, TITLE, _put, clean, selfeval_sheet

GRADES = ("优", "良", "中", "差")


@dataclass(slots=True)
class DepartmentSummary:
    """部门汇总: projects, funds and grades of one department's evaluations."""

    department: str
    projects: int
    budget: float
    executed: float
    average: float | None  # of graded (complete) projects
    grades: dict[str, int]
    ungraded: int

    @property
    def rate(self) -> float | None:
        return self.executed / self.budget if self.budget > 0 else None


def summarize(scored: Iterable[Scored], grades: Sequence[str] = GRADES) -> list[DepartmentSummary]:
    """One summary per department, in the order departments first appear."""
    by: dict[str, list[Scored]] = {}
    for s in scored:
        by.setdefault(s.evaluation.department or "（未注明部门）", []).append(s)
    out = []
    for dept, items in by.items():
        evs = [s.evaluation for s in items]
        graded = [e for e in evs if e.grade is not None]
        counts = dict.fromkeys(grades, 0)
        for e in graded:
            counts[e.grade or ""] = counts.get(e.grade or "", 0) + 1
        out.append(DepartmentSummary(
            department=dept, projects=len(evs),
            budget=sum(e.execution.budget or 0.0 for e in evs),
            executed=sum(e.execution.executed or 0.0 for e in evs),
            average=sum(e.total for e in graded) / len(graded) if graded else None,
            grades=counts, ungraded=len(evs) - len(graded),
        ))  # fmt: skip
    return out


def _grade_names(settings: ScoringSettings) -> tuple[str, ...]:
    return tuple(b.grade for b in settings.grades)


def write_evaluations_xlsx(
    scored: Sequence[Scored], out: str | IO[bytes], settings: ScoringSettings | None = None
) -> int:
    """Write the scored tables and the summaries; returns the number of project sheets."""
    s = settings or ScoringSettings()
    names = _grade_names(s)
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "汇总"
    summaries = summarize(scored, names)
    _summary_rows(first, "绩效自评汇总（按部门）", summaries, names)
    taken = {"汇总"}
    n = 0
    for sm in summaries:
        ws = wb.create_sheet(L.sheet_title(f"汇总-{sm.department}", taken))
        items = [
            x for x in scored if (x.evaluation.department or "（未注明部门）") == sm.department
        ]
        _department_sheet(ws, sm, items, names)
        for x in items:
            pws = wb.create_sheet(L.sheet_title(x.table.project, taken))
            selfeval_sheet(pws, x.table, s)
            _fill(pws, x)
            n += 1
    wb.save(out)
    return n


_SUMMARY_HEAD = ("主管部门", "项目数", "年初预算数", "全年执行数", "执行率", "平均分")


def _summary_rows(
    ws: Worksheet, title: str, rows: list[DepartmentSummary], names: Sequence[str]
) -> None:
    ws.cell(1, 1, title).font = TITLE
    heads = (*_SUMMARY_HEAD, *names, "未评级")
    for c, h in enumerate(heads, 1):
        _put(ws, 2, c, h, head=True)
    for r, sm in enumerate(rows, 3):
        vals = [
            sm.department,
            sm.projects,
            json_number(round2(sm.budget)),
            json_number(round2(sm.executed)),
            sm.rate,
            None if sm.average is None else json_number(round2(sm.average)),
            *(sm.grades.get(g, 0) for g in names),
            sm.ungraded,
        ]
        for c, v in enumerate(vals, 1):
            _put(ws, r, c, v, fmt="0.00%" if c == 5 else None)
    ws.column_dimensions["A"].width = 30
    for col in "BCDEF":
        ws.column_dimensions[col].width = 12


def _department_sheet(
    ws: Worksheet, sm: DepartmentSummary, items: list[Scored], names: Sequence[str]
) -> None:
    _summary_rows(ws, f"{sm.department} 绩效自评汇总", [sm], names)
    ws.cell(5, 1, "项目明细").font = BOLD
    heads = (
        "项目名称",
        "年初预算数",
        "全年执行数",
        "执行率",
        "执行得分",
        "指标得分",
        "总分",
        "评价等级",
    )
    for c, h in enumerate(heads, 1):
        _put(ws, 6, c, h, head=True)
    for r, x in enumerate(items, 7):
        e = x.evaluation
        vals = [
            e.project,
            json_number(e.execution.budget),
            json_number(e.execution.executed),
            e.execution.rate,
            None if e.execution.score is None else json_number(round2(e.execution.score)),
            json_number(round2(e.indicator_score)),
            json_number(round2(e.total)),
            e.grade or "未评级",
        ]
        for c, v in enumerate(vals, 1):
            _put(ws, r, c, v, fmt="0.00%" if c == 4 else None)


def _fill(ws: Worksheet, x: Scored) -> None:
    """The department's entries and the scores, in the cells of the template layout."""
    ws.protection.sheet = False
    e, ret = x.evaluation, x.ret
    b = L.BUDGET_ROW
    ws.cell(b, L.SE_INITIAL).value = json_number(e.execution.budget)
    ws.cell(b, L.SE_ADJUSTED).value = json_number(ret.adjusted_budget)
    ws.cell(b, L.SE_EXECUTED).value = json_number(e.execution.executed)
    ws.cell(b, L.SE_RATE).value = e.execution.rate
    ws.cell(b, L.SE_EXEC_SCORE).value = (
        None if e.execution.score is None else json_number(round2(e.execution.score))
    )
    ws.cell(b, L.SE_EXEC_REASON).value = clean(e.execution.reason)
    row = L.FIRST_INDICATOR_ROW
    for i in e.indicators:
        ws.cell(row, L.SE_ACTUAL).value = clean(
            json_number(i.actual) if i.actual is not None else i.actual_text
        )
        ws.cell(row, L.SE_TIER).value = i.tier
        ws.cell(row, L.SE_SCORE).value = (
            (None if i.score is None else json_number(round2(i.score)))
            if i.applicable
            else "不适用"
        )
        ws.cell(row, L.SE_REASON).value = clean(i.reason)
        ws.cell(row, L.SE_APPLICABLE).value = "是" if i.applicable else "否"
        row += 1
    ws.cell(row, L.SE_SCORE).value = json_number(round2(e.total))
    ws.cell(row, L.SE_APPLICABLE).value = e.grade or "未评级"
    if e.findings:
        ws.cell(row + 2, 2, "审核发现").font = BOLD
        for n, fd in enumerate(e.findings, row + 3):
            ws.cell(n, 2, fd.severity.label)
            ws.cell(n, 3, clean(f"{fd.indicator + '：' if fd.indicator else ''}{fd.message}"))
