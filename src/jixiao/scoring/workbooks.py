"""Reading filled returns: self-evaluation and monitoring workbooks (and their JSON twins).

A workbook is checked before it is opened: its size, and the unpacked size of its
parts (a small zip can inflate to gigabytes). Each sheet is keyed by the hidden
marker the template wrote; a file with no such sheet is not a template. A bad sheet
is one :class:`ReturnError` naming file, sheet and row; the other sheets go on.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Sequence
from typing import Any

from ..errors import UnreadableFile
from . import layout as L
from .returns import (
    Actual,
    MonitoringReturn,
    Origin,
    OutOfRange,
    Progress,
    ReturnError,
    SelfEvaluationReturn,
    TableKey,
    applicable_of,
    monitoring_from_json,
    number_of,
    selfeval_from_json,
    text_of,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 500 * 1024 * 1024

SelfEvalItem = SelfEvaluationReturn | ReturnError | None
MonitorItem = MonitoringReturn | ReturnError | None


def _check_size(path: str, name: str) -> None:
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise UnreadableFile.of_os_error(e, file=name) from None
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"文件过大（{size // 1048576} MB，上限 {MAX_FILE_BYTES // 1048576} MB）", file=name
        )


def _load(path: str) -> Any:
    name = os.path.basename(path)
    _check_size(path, name)
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile("不是 XLSX 工作簿（无法解压）", file=name) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile("工作簿解压后过大，拒绝读取", file=name)
    from openpyxl import load_workbook

    try:
        # data_only: a formula someone typed into an input cell counts by its cached value.
        return load_workbook(path, data_only=True)
    except Exception as e:  # openpyxl raises anything at all on a damaged file
        raise UnreadableFile(f"工作簿损坏或格式异常（{type(e).__name__}）", file=name) from None


def _json(path: str) -> Any:
    name = os.path.basename(path)
    _check_size(path, name)
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UnreadableFile(f"JSON 无法读取：{e}", file=name) from None


def read_selfeval(path: str) -> Sequence[SelfEvalItem]:
    """自评表 from a filled template (``.xlsx``) or JSON (``.json``); one item per project.

    A sheet nobody filled in is None: a district-wide template goes to every department,
    and each fills only its own projects.
    """
    name = os.path.basename(path)
    if path.lower().endswith(".json"):
        return selfeval_from_json(_json(path), name)
    wb = _load(path)
    return _sheets(wb, name, L.SELFEVAL_MARK, _selfeval_sheet)


def read_monitoring(path: str) -> Sequence[MonitorItem]:
    """监控表 from a filled template (``.xlsx``) or JSON (``.json``); one item per project."""
    name = os.path.basename(path)
    if path.lower().endswith(".json"):
        return monitoring_from_json(_json(path), name)
    wb = _load(path)
    return _sheets(wb, name, L.MONITOR_MARK, _monitor_sheet)


def _sheets(wb: Any, name: str, mark: str, read: Any) -> list[Any]:
    out: list[Any] = []
    other = L.MONITOR_MARK if mark == L.SELFEVAL_MARK else L.SELFEVAL_MARK
    for ws in wb.worksheets:
        a1 = ws.cell(L.KEY_ROW, 1).value
        if a1 == mark:
            try:
                out.append(read(ws, Origin(name, ws.title)))
            except ReturnError as e:
                out.append(e)
        elif a1 == other:
            kind = "监控表" if other == L.MONITOR_MARK else "自评表"
            out.append(ReturnError(f"这是{kind}模板，不是本命令要的表", Origin(name, ws.title)))
    if not out:
        kind = "自评表" if mark == L.SELFEVAL_MARK else "监控表"
        out.append(
            ReturnError(
                f"不是 jixiao {kind}模板（没有带标记的工作表；请用 jixiao template 生成）",
                Origin(name),
            )
        )
    return out


def _key(ws: Any) -> TableKey:
    v = [ws.cell(L.KEY_ROW, c).value for c in range(2, 7)]
    idx = v[3]
    return TableKey(
        department=text_of(v[0]),
        project=text_of(v[1]) or "",
        file=text_of(v[2]),
        index=idx if isinstance(idx, int) else None,
    )


def _indicator_rows(ws: Any) -> list[tuple[int, int, bool]]:
    """(row, position, quantitative) of every indicator row, from the hidden column A marks."""
    rows = []
    for r in range(L.FIRST_INDICATOR_ROW, ws.max_row + 1):
        mark = ws.cell(r, 1).value
        if not isinstance(mark, str) or not mark.startswith("ind:"):
            continue
        parts = mark.split(":")
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((r, int(parts[1]), parts[2] == "q"))
    return rows


def _expect_head(ws: Any, where: Origin, head: tuple[str, ...]) -> None:
    got = [text_of(ws.cell(L.HEADER_ROW, c).value) for c in range(2, 2 + len(head))]
    if got != list(head):
        raise ReturnError("表头与模板不符（模板被改动过？请重新生成模板）", where.at(L.HEADER_ROW))


def _number(ws: Any, row: int, col: int, where: Origin, label: str, unit: str = "") -> float | None:
    v = ws.cell(row, col).value
    try:
        return number_of(v, unit)
    except OutOfRange as e:
        raise ReturnError(f"{label}{e.reason()}", where.at(row)) from None
    except ValueError:
        raise ReturnError(f"{label}“{text_of(v)}”不是数字", where.at(row)) from None


def _blank(ws: Any, cells: list[tuple[int, int]], columns: tuple[int, ...]) -> bool:
    """True when none of the input cells holds anything."""
    if any(ws.cell(r, c).value not in (None, "") for r, c in cells):
        return False
    for r, _pos, _q in _indicator_rows(ws):
        for c in columns:
            if ws.cell(r, c).value not in (None, ""):
                return False
    return True


def _selfeval_sheet(ws: Any, where: Origin) -> SelfEvaluationReturn | None:
    _expect_head(ws, where, L.SE_HEAD)
    b = L.BUDGET_ROW
    inputs = [(b, L.SE_ADJUSTED), (b, L.SE_EXECUTED), (b, L.SE_EXEC_REASON)]
    # 是否适用 comes pre-filled with 是, so only a 否 there counts as filled in.
    if _blank(ws, inputs, (L.SE_ACTUAL, L.SE_TIER, L.SE_SCORE, L.SE_REASON)) and all(
        ws.cell(r, L.SE_APPLICABLE).value in (None, "", "是") for r, _p, _q in _indicator_rows(ws)
    ):
        return None
    key = _key(ws)
    if not key.project:
        raise ReturnError("模板标记中缺少项目名称", where.at(L.KEY_ROW))
    b = L.BUDGET_ROW
    if ws.cell(b, 1).value != "budget":
        raise ReturnError("找不到预算执行行（模板被改动过？）", where.at(b))
    actuals = []
    for row, pos, quantitative in _indicator_rows(ws):
        name = text_of(ws.cell(row, L.SE_NAME).value) or ""
        unit = text_of(ws.cell(row, L.SE_UNIT).value) or ""
        raw = ws.cell(row, L.SE_ACTUAL).value
        actual = None
        if quantitative:
            actual = _number(ws, row, L.SE_ACTUAL, where, "实际完成值", unit)
        score = _number(ws, row, L.SE_SCORE, where, "得分") if not quantitative else None
        points = _number(ws, row, L.SE_MAX, where, "分值")
        try:
            applicable = applicable_of(ws.cell(row, L.SE_APPLICABLE).value)
        except ValueError as e:
            raise ReturnError(f"是否适用“{e}”应为 是 或 否", where.at(row)) from None
        actuals.append(Actual(
            indicator=name, actual=actual, actual_text=text_of(raw),
            tier=text_of(ws.cell(row, L.SE_TIER).value) if not quantitative else None,
            score=score, reason=text_of(ws.cell(row, L.SE_REASON).value),
            applicable=applicable, position=pos, row=row, points=points,
        ))  # fmt: skip
    return SelfEvaluationReturn(
        project=key.project,
        department=key.department,
        budget=_number(ws, b, L.SE_INITIAL, where, "年初预算数"),
        adjusted_budget=_number(ws, b, L.SE_ADJUSTED, where, "全年预算数"),
        executed=_number(ws, b, L.SE_EXECUTED, where, "全年执行数"),
        execution_reason=text_of(ws.cell(b, L.SE_EXEC_REASON).value),
        actuals=actuals,
        key=key,
        origin=where,
    )


def _monitor_sheet(ws: Any, where: Origin) -> MonitoringReturn | None:
    _expect_head(ws, where, L.MO_HEAD)
    b = L.BUDGET_ROW
    # The month may be pre-filled by the template, so it does not count as filled in.
    inputs = [(b, L.MO_EXECUTED), (b, L.MO_EXPECTED), (b, L.MO_DATE)]
    if _blank(ws, inputs, (L.MO_PROGRESS_TEXT, L.MO_LIKELIHOOD, L.MO_REASON, L.MO_MEASURE)):
        return None
    key = _key(ws)
    if not key.project:
        raise ReturnError("模板标记中缺少项目名称", where.at(L.KEY_ROW))
    b = L.BUDGET_ROW
    month = _number(ws, b, L.MO_MONTH, where, "截至月份")
    if month is not None and not (month.is_integer() and 1 <= month <= 12):
        raise ReturnError(f"截至月份“{month:g}”应为 1–12 的整数", where.at(b))
    inds = []
    for row, pos, _q in _indicator_rows(ws):
        inds.append(Progress(
            indicator=text_of(ws.cell(row, L.MO_NAME).value) or "",
            progress=text_of(ws.cell(row, L.MO_PROGRESS_TEXT).value),
            likelihood=text_of(ws.cell(row, L.MO_LIKELIHOOD).value),
            reason=text_of(ws.cell(row, L.MO_REASON).value),
            measure=text_of(ws.cell(row, L.MO_MEASURE).value),
            position=pos, row=row,
        ))  # fmt: skip
    return MonitoringReturn(
        project=key.project,
        department=key.department,
        month=None if month is None else int(month),
        budget=_number(ws, b, L.MO_INITIAL, where, "年初预算数"),
        executed=_number(ws, b, L.MO_EXECUTED, where, "1–N月执行数"),
        expected=_number(ws, b, L.MO_EXPECTED, where, "全年预计执行数"),
        indicators=inds,
        key=key,
        origin=where,
    )
