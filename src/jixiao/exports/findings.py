"""Findings as files: JSON (the one shape everywhere), CSV, and an XLSX sheet a reviewer
can filter (one row per finding). Every text cell goes through :func:`safe_cell`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any, TextIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..findings import Finding
from .cells import safe_cell, write_csv_rows
from .json import write_json_array

COLUMNS: list[tuple[str, int]] = [
    ("严重程度", 10), ("规则", 26), ("文件", 24), ("表序号", 7), ("项目名称", 32),
    ("字段", 22), ("审核意见", 90),
]  # fmt: skip


def write_findings_xlsx(findings: Iterable[Finding], target: str | IO[bytes]) -> int:
    """One row per finding under a frozen header with filters; severity as 错误/警告/提示.

    Written in openpyxl's write-only mode, row by row as the findings come: a review of
    the whole store never holds its workbook in memory. Returns the number of rows.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("审核意见")
    for n, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    ws.freeze_panes = "A2"
    head = []
    for h, _ in COLUMNS:
        c = WriteOnlyCell(ws, value=h)
        c.font = Font(bold=True)
        head.append(c)
    ws.append(head)
    rows = 0
    for f in findings:
        ws.append([safe_cell(v) for v in _row(f)])
        rows += 1
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(COLUMNS) - 1)}{max(1, rows + 1)}"
    wb.save(target)
    return rows


def _row(f: Finding) -> list[Any]:
    src = f.source or {}
    index = src.get("index")
    return [
        f.severity.label, f.code, src.get("file"),
        index + 1 if isinstance(index, int) else None, f.project, f.field, f.message,
    ]  # fmt: skip


def write_findings_csv(findings: Iterable[Finding], out: TextIO, *, bom: bool = True) -> int:
    """The same rows as the workbook, UTF-8 with a BOM so Excel reads the Chinese."""
    return write_csv_rows(out, [h for h, _ in COLUMNS], (_row(f) for f in findings), bom=bom)


def write_findings_json(findings: Iterable[Finding], out: TextIO) -> int:
    """A JSON list of findings in their one shape (:meth:`Finding.to_json`), written one
    finding at a time."""
    return write_json_array((f.to_json() for f in findings), out)
