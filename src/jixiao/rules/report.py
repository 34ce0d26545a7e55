"""Findings as files: an XLSX sheet a reviewer can filter (one row per finding)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Font

from .base import Finding

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
        src = f.source or {}
        index = src.get("index")
        ws.append([
            f.severity.label, f.code, src.get("file"),
            index + 1 if isinstance(index, int) else None, f.project, f.field, f.message,
        ])  # fmt: skip
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{chr(ord('A') + len(COLUMNS) - 1)}{max(1, len(findings) + 1)}"
    wb.save(target)
