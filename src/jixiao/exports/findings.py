"""Findings as files: JSON (the one shape everywhere), CSV, and an XLSX sheet a reviewer
can filter (one row per finding). Every text cell goes through :func:`safe_cell`."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import IO, Any, TextIO

from openpyxl import Workbook
from openpyxl.styles import Font

from ..findings import Finding
from .cells import safe_cell

COLUMNS: list[tuple[str, int]] = [
    ("严重程度", 10), ("规则", 26), ("文件", 24), ("表序号", 7), ("项目名称", 32),
    ("字段", 22), ("审核意见", 90),
]  # fmt: skip


def write_findings_xlsx(findings: Sequence[Finding], target: str | IO[bytes]) -> None:
    """One row per finding under a frozen header with filters; severity as 错误/警告/提示."""
    wb = Workbook()
    ws = wb.active
    ws.title = "审核意见"
    ws.append([h for h, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for n, (_, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + n)].width = width
    for f in findings:
        ws.append([safe_cell(v) for v in _row(f)])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(COLUMNS) - 1)}{max(1, len(findings) + 1)}"
    wb.save(target)


def _row(f: Finding) -> list[Any]:
    src = f.source or {}
    index = src.get("index")
    return [
        f.severity.label, f.code, src.get("file"),
        index + 1 if isinstance(index, int) else None, f.project, f.field, f.message,
    ]  # fmt: skip


def write_findings_csv(findings: Sequence[Finding], out: TextIO, *, bom: bool = True) -> int:
    """The same rows as the workbook, UTF-8 with a BOM so Excel reads the Chinese."""
    if bom:
        out.write("\ufeff")
    w = csv.writer(out)
    w.writerow([h for h, _ in COLUMNS])
    for f in findings:
        w.writerow(["" if v is None else safe_cell(v) for v in _row(f)])
    return len(findings)


def write_findings_json(findings: Sequence[Finding], out: TextIO) -> int:
    """A JSON list of findings in their one shape (:meth:`Finding.to_json`)."""
    out.write(json.dumps([f.to_json() for f in findings], ensure_ascii=False, indent=2) + "\n")
    return len(findings)
