"""Blank workbooks for departments to fill: the self-evaluation (自评表) and monitoring
(监控表) layouts, one protected sheet per project.

Only the cells a department fills are unlocked (and shaded); everything copied from the
stored table is locked, so what comes back can be matched and trusted. Drop-downs
(data validation) offer the 定性 tiers, 是/否 and the three likelihoods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..model import TargetTable, json_number
from ..scoring import layout as L
from ..scoring.formulas import TIERS
from ..scoring.monitoring import LIKELIHOODS
from ..scoring.selfeval import is_qualitative, points_of
from ..scoring.settings import ScoringSettings
from .cells import safe_cell

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNLOCKED = Protection(locked=False)


clean = safe_cell  # every cell of a template or report goes through the one rule


def one_per_project(tables: Iterable[TargetTable]) -> Iterator[TargetTable]:
    """One table per (department, project): a project filed twice gets one sheet, the first."""
    seen: set[tuple[str | None, str]] = set()
    for t in tables:
        k = (t.department, t.project)
        if k not in seen:
            seen.add(k)
            yield t


def _key(ws: Worksheet, mark: str, t: TargetTable) -> None:
    src = t.source
    for col, v in enumerate(
        (mark, t.department, t.project, src.file if src else None, src.index if src else None,
         t.year),
        1,
    ):  # fmt: skip
        ws.cell(L.KEY_ROW, col, clean(v))
    ws.row_dimensions[L.KEY_ROW].hidden = True
    ws.column_dimensions["A"].hidden = True


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    v: Any,
    *,
    head: bool = False,
    inp: bool = False,
    fmt: str | None = None,
) -> Any:
    c = ws.cell(row, col, clean(v))
    c.border = BORDER
    c.alignment = CENTER if head else WRAP
    if head:
        c.font = BOLD
        c.fill = HEAD_FILL
    if inp:
        c.protection = UNLOCKED
        c.fill = INPUT_FILL
    if fmt:
        c.number_format = fmt
    return c


def _merge(
    ws: Worksheet, row: int, c1: int, c2: int, v: Any, *, head: bool = False, inp: bool = False
) -> None:
    for c in range(c1, c2 + 1):
        _put(ws, row, c, v if c == c1 else None, head=head, inp=inp)
    if c2 > c1:
        ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)


def _header(ws: Worksheet, t: TargetTable, title: str, last: int) -> None:
    ws.cell(2, 2, clean(title)).font = TITLE
    ws.cell(2, 2).alignment = CENTER
    ws.merge_cells(start_row=2, start_column=2, end_row=2, end_column=last)
    ws.row_dimensions[2].height = 28
    half = 2 + (last - 1) // 2
    _put(ws, 3, 2, "项目名称", head=True)
    _merge(ws, 3, 3, half - 1, t.project)
    _put(ws, 3, half, "主管部门", head=True)
    _merge(ws, 3, half + 1, last, t.department or "")
    _put(ws, 4, 2, "实施单位", head=True)
    _merge(ws, 4, 3, half - 1, t.implementer or "")
    _put(ws, 4, half, "资金单位", head=True)
    _merge(ws, 4, half + 1, last, t.money_unit or "")
    _put(ws, 7, 2, "年度目标", head=True)
    _merge(ws, 7, 3, last, t.goal or "")
    ws.row_dimensions[7].height = 45


def _protect(ws: Worksheet) -> None:
    # No password: protection guards against slips, and a password would only be shared anyway.
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # False = allowed: widths may be changed
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


def _widths(ws: Worksheet, widths: Iterable[float]) -> None:
    for n, w in enumerate(widths, 2):
        ws.column_dimensions[get_column_letter(n)].width = w


def _validation(
    ws: Worksheet, kind: str, operator: str, low: str, high: str | None, error: str
) -> DataValidation:
    """A cell rule a department meets while typing (a number ≥ 0, a month 1–12 …)."""
    dv = DataValidation(
        type=kind,
        operator=operator,
        formula1=low,
        formula2=high,
        allow_blank=True,
        showErrorMessage=True,
        error=error,
    )
    ws.add_data_validation(dv)
    return dv


def _list_validation(ws: Worksheet, items: Iterable[str], prompt: str) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(items) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="请从下拉列表选择",
        error=prompt,
        promptTitle="请选择",
        prompt=prompt,
        showInputMessage=True,
    )
    ws.add_data_validation(dv)
    return dv


def _instructions(ws: Worksheet, lines: list[str]) -> None:
    for n, line in enumerate(lines, 1):
        ws.cell(n, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).font = TITLE
    ws.column_dimensions["A"].width = 100
    _protect(ws)


def _write_template(
    tables: Iterable[TargetTable],
    out: str | IO[bytes],
    instructions: list[str],
    fill: Callable[[Worksheet, TargetTable], None],
) -> int:
    """A workbook of 填报说明 and one protected sheet per project; the number of sheets.

    The workbook is write-only and streams to disk: each sheet is laid out in a scratch
    workbook (cells anywhere, merges, validations, protection), copied row by row into
    the output and dropped, so one sheet is in memory at a time.
    """
    wb = Workbook(write_only=True)
    scratch = Workbook()
    scratch.remove(scratch.worksheets[0])
    _streamed(wb, scratch, "填报说明", lambda ws: _instructions(ws, instructions))
    taken = {"填报说明"}
    n = 0
    for t in one_per_project(tables):
        _streamed(wb, scratch, L.sheet_title(t.project, taken), lambda ws: fill(ws, t))  # noqa: B023
        n += 1
    wb.save(out)
    return n


def _streamed(
    wb: Workbook, scratch: Workbook, title: str, lay_out: Callable[[Worksheet], None]
) -> None:
    """One sheet laid out in ``scratch`` and copied into the write-only ``wb``: dimensions
    and panes first (a write-only sheet writes them before its rows), then every row
    with each cell's value and style, then merges, validations and protection."""
    src = scratch.create_sheet(title)
    lay_out(src)
    ws = wb.create_sheet(title)
    for key, dim in src.column_dimensions.items():
        ws.column_dimensions[key].width = dim.width
        ws.column_dimensions[key].hidden = dim.hidden
    for row, rdim in src.row_dimensions.items():
        if rdim.hidden or rdim.height is not None:
            ws.row_dimensions[row].hidden = rdim.hidden
            ws.row_dimensions[row].height = rdim.height
    ws.freeze_panes = src.freeze_panes
    for cells in src.iter_rows():
        ws.append([_copied(ws, c) for c in cells])
    for merged in src.merged_cells.ranges:
        ws.merged_cells.add(str(merged))
    for dv in src.data_validations.dataValidation:
        ws.data_validations.append(dv)
    ws.protection = copy(src.protection)
    ws.close()  # written out: its temporary file is complete and closed
    scratch.remove(src)


def _copied(ws: Any, c: Any) -> Any:
    """A scratch cell as a write-only cell: its value and, when styled, its style."""
    if not c.has_style:
        return c.value
    out = WriteOnlyCell(ws, value=c.value)
    out.font, out.fill, out.border = copy(c.font), copy(c.fill), copy(c.border)
    out.alignment, out.protection = copy(c.alignment), copy(c.protection)
    out.number_format = c.number_format
    return out


def write_selfeval_template(
    tables: Iterable[TargetTable],
    out: str | IO[bytes],
    settings: ScoringSettings | None = None,
) -> int:
    """自评表模板: one protected sheet per project; returns the number of sheets written."""
    s = settings or ScoringSettings()
    met, partial = s.tiers
    return _write_template(
        tables,
        out,
        [
            "项目支出绩效自评表 填报说明",
            "1. 每个项目一张工作表；只有浅黄色单元格可以填写，"
            "其余内容来自已审核的绩效目标表，请勿改动。",
            "2. 预算执行：填写全年预算数（调整后）与全年执行数；执行率低于 "
            f"{json_number(s.execution_explain_below)}% 须填写执行偏差原因。",
            "3. 定量指标：在“实际完成值”填写数字（单位与指标单位相同）；得分由系统按公式计算。",
            f"4. 定性指标：选择评价档次并填写得分：{TIERS[0]} [{json_number(met)}%, 100%] × 分值；"
            f"{TIERS[1]} [{json_number(partial)}%, {json_number(met)}%) × 分值；"
            f"{TIERS[2]} [0, {json_number(partial)}%) × 分值。得分须落在所选档次内。",
            "5. 未得满分、或实际完成值超过目标值 "
            f"{json_number(s.over_achievement_ratio)} 倍的，须填写偏差原因分析及改进措施。",
            "6. 确不适用的指标在“是否适用”选“否”，其余指标得分按比例折算回指标总分。",
            "7. 目标表未设分值的项目，分值按一级指标默认分配（"
            + "、".join(
                f"{k.removesuffix('指标')} {json_number(v)}" for k, v in s.default_points.items()
            )
            + " 分，级内平均）"
            + (
                "；可按指标重要程度调整浅黄色的分值，各指标分值之和须保持不变。"
                if s.points_editable
                else "，不可修改。"
            ),
            "8. 完成后用 jixiao evaluate 文件名.xlsx 评分。",
        ],
        lambda ws, t: selfeval_sheet(ws, t, s),
    )


def _sheet_head(
    ws: Worksheet,
    t: TargetTable,
    mark: str,
    title: str,
    budget_head: Sequence[str],
    wide_col: int,
    last: int,
) -> int:
    """The hidden key, the title block and the budget header of a project's sheet;
    returns the budget row, its key and money unit written."""
    _key(ws, mark, t)
    _header(ws, t, title, last)
    for col, h in enumerate(budget_head, 2):
        if col < wide_col:
            _put(ws, 5, col, h, head=True)
    _merge(ws, 5, wide_col, last, budget_head[-1], head=True)
    r = L.BUDGET_ROW
    ws.cell(r, 1, "budget")
    _put(ws, r, 2, f"（{t.money_unit or '元'}）")
    return r


def selfeval_sheet(ws: Worksheet, t: TargetTable, s: ScoringSettings) -> None:
    last = L.SE_LAST_COL
    title = f"{t.year or ''}{'年度' if t.year else ''}项目支出绩效自评表"
    r = _sheet_head(ws, t, L.SELFEVAL_MARK, title, L.SE_BUDGET_HEAD, L.SE_EXEC_REASON, last)
    weight = t.execution_weight if t.execution_weight is not None else s.execution_weight
    _put(ws, r, L.SE_INITIAL, json_number(t.funds.total))
    _put(ws, r, L.SE_ADJUSTED, None, inp=True)
    _put(ws, r, L.SE_EXECUTED, None, inp=True)
    _put(ws, r, L.SE_WEIGHT, json_number(weight))
    _put(ws, r, L.SE_RATE, None, fmt="0.00%")
    _put(ws, r, L.SE_EXEC_SCORE, None, fmt="0.00")
    _merge(ws, r, L.SE_EXEC_REASON, last, None, inp=True)
    money = _validation(ws, "decimal", "greaterThanOrEqual", "0", None, "请填写不小于 0 的数字")
    money.add(f"{get_column_letter(L.SE_ADJUSTED)}{r}:{get_column_letter(L.SE_EXECUTED)}{r}")
    ws.row_dimensions[r].height = 30

    for col, h in enumerate(L.SE_HEAD, 2):
        _put(ws, L.HEADER_ROW, col, h, head=True)
    tiers = _list_validation(ws, TIERS, "达成 / 部分达成 / 未达成 三档之一")
    yes_no = _list_validation(ws, ("是", "否"), "是 或 否")
    number = _validation(
        ws, "decimal", "between", "-1E+300", "1E+300", "请填写数字（单位与指标单位相同）"
    )
    row = L.FIRST_INDICATOR_ROW
    # A table without 分值 shows the default split its self-evaluation is scored by (§4).
    points, defaulted = points_of(t, s)
    editable = defaulted and s.points_editable
    positive = _validation(
        ws, "decimal", "greaterThanOrEqual", "0", None, "分值应为不小于 0 的数字"
    )
    for pos, (i, w) in enumerate(zip(t.indicators, points, strict=True)):
        q = is_qualitative(i)
        ws.cell(row, 1, f"ind:{pos}:{'t' if q else 'q'}")
        _put(ws, row, L.SE_LEVEL1, i.level1 or "")
        _put(ws, row, L.SE_LEVEL2, i.level2 or "")
        _put(ws, row, L.SE_NAME, i.name)
        _put(ws, row, L.SE_OP, i.operator or "")
        _put(ws, row, L.SE_TARGET, i.value)
        _put(ws, row, L.SE_UNIT, i.unit)
        _put(ws, row, L.SE_MAX, json_number(w), inp=editable)
        if editable:
            positive.add(ws.cell(row, L.SE_MAX).coordinate)
        _put(ws, row, L.SE_ACTUAL, None, inp=True)
        _put(ws, row, L.SE_TIER, None, inp=q)
        _put(ws, row, L.SE_SCORE, None, inp=q, fmt="0.00")
        _put(ws, row, L.SE_REASON, None, inp=True)
        _put(ws, row, L.SE_APPLICABLE, "是", inp=True)
        if q:
            tiers.add(ws.cell(row, L.SE_TIER).coordinate)
            if w is not None:
                dv = _validation(
                    ws,
                    "decimal",
                    "between",
                    "0",
                    str(json_number(w)),
                    f"得分应在 0 到 {json_number(w)} 之间",
                )
                dv.add(ws.cell(row, L.SE_SCORE).coordinate)
        else:
            number.add(ws.cell(row, L.SE_ACTUAL).coordinate)
        yes_no.add(ws.cell(row, L.SE_APPLICABLE).coordinate)
        row += 1
    ws.cell(row, 1, "total")
    _merge(ws, row, 2, L.SE_SCORE - 1, "总分", head=True)
    _put(ws, row, L.SE_SCORE, None, fmt="0.00")
    _put(ws, row, L.SE_REASON, "评价等级", head=True)
    _put(ws, row, L.SE_APPLICABLE, None)
    _widths(ws, (10, 10, 28, 8, 14, 10, 8, 14, 20, 9, 36, 8))
    ws.freeze_panes = ws.cell(L.FIRST_INDICATOR_ROW, 2)
    _protect(ws)


def write_monitor_template(
    tables: Iterable[TargetTable], out: str | IO[bytes], month: int | None = None
) -> int:
    """监控表模板: one protected sheet per project; ``month`` pre-fills 截至月份."""
    return _write_template(
        tables,
        out,
        [
            "项目支出绩效运行监控表 填报说明",
            "1. 每个项目一张工作表；只有浅黄色单元格可以填写。",
            "2. 填写截至月份 N（1–12）、1–N月执行数和全年预计执行数；"
            "执行进度 = 执行率 ÷ (N / 12)。",
            "3. 每个指标填写执行情况并选择完成目标可能性（确定能 / 有可能 / 不可能）；"
            "选“有可能”或“不可能”的，须填写原因和纠偏举措。",
            "4. 完成后用 jixiao monitor 文件名.xlsx 生成红黄绿灯。",
        ],
        lambda ws, t: _monitor_sheet(ws, t, month),
    )


def _monitor_sheet(ws: Worksheet, t: TargetTable, month: int | None) -> None:
    last = L.MO_LAST_COL
    title = f"{t.year or ''}{'年' if t.year else ''}项目支出绩效运行监控表"
    r = _sheet_head(ws, t, L.MONITOR_MARK, title, L.MO_BUDGET_HEAD, L.MO_DATE, last)
    _put(ws, r, L.MO_INITIAL, json_number(t.funds.total))
    _put(ws, r, L.MO_MONTH, month, inp=True)
    _put(ws, r, L.MO_EXECUTED, None, inp=True)
    _put(ws, r, L.MO_EXPECTED, None, inp=True)
    _put(ws, r, L.MO_RATE, None, fmt="0.00%")
    _put(ws, r, L.MO_PROGRESS, None, fmt="0.00%")
    _merge(ws, r, L.MO_DATE, last, None, inp=True)
    months = _validation(ws, "whole", "between", "1", "12", "月份应为 1–12")
    months.add(ws.cell(r, L.MO_MONTH).coordinate)
    money = _validation(ws, "decimal", "greaterThanOrEqual", "0", None, "请填写不小于 0 的数字")
    money.add(f"{get_column_letter(L.MO_EXECUTED)}{r}:{get_column_letter(L.MO_EXPECTED)}{r}")

    for col, h in enumerate(L.MO_HEAD, 2):
        _put(ws, L.HEADER_ROW, col, h, head=True)
    likely = _list_validation(ws, LIKELIHOODS, "确定能 / 有可能 / 不可能")
    row = L.FIRST_INDICATOR_ROW
    for pos, i in enumerate(t.indicators):
        ws.cell(row, 1, f"ind:{pos}:{'t' if is_qualitative(i) else 'q'}")
        for col, v in (
            (2, i.level1 or ""),
            (3, i.level2 or ""),
            (4, i.name),
            (5, i.operator or ""),
            (6, i.value),
            (7, i.unit),
        ):
            _put(ws, row, col, v)
        for col in (L.MO_PROGRESS_TEXT, L.MO_LIKELIHOOD, L.MO_REASON, L.MO_MEASURE):
            _put(ws, row, col, None, inp=True)
        likely.add(ws.cell(row, L.MO_LIKELIHOOD).coordinate)
        row += 1
    _widths(ws, (10, 10, 28, 8, 14, 10, 20, 14, 30, 30))
    ws.freeze_panes = ws.cell(L.FIRST_INDICATOR_ROW, 2)
    _protect(ws)
