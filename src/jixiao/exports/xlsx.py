"""XLSX export: the workbook a reviewer wants.

Sheet 指标: one row per indicator with its table's fields beside it, frozen
header, filters, sensible widths. Sheet 项目: one row per table. Written in
openpyxl's write-only mode, both sheets in one pass, so a store of any size streams
to disk.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..model import TargetTable, json_number
from .cells import safe_cell
from .columns import HEADERS, TABLE_COLUMNS, WIDTHS, flat_rows

_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_value = safe_cell


def _header(ws: Any, headers: list[str]) -> None:
    cells = []
    for h in headers:
        c = WriteOnlyCell(ws, value=h)
        c.font = _HEAD_FONT
        c.fill = _HEAD_FILL
        cells.append(c)
    ws.append(cells)


def write_xlsx(tables: Iterable[TargetTable], out: str | IO[bytes]) -> int:
    """指标 and 项目 sheets written side by side in one pass over the tables (each sheet
    of a write-only workbook streams to its own temporary file); returns the 指标 rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("指标")
    ws.freeze_panes = "A2"
    for n, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(n)].width = w
    _header(ws, HEADERS)

    ws2 = wb.create_sheet("项目")
    ws2.freeze_panes = "A2"
    heads = [h for h, _, _ in TABLE_COLUMNS] + ["指标数", "分值合计"]
    widths = [w for _, w, _ in TABLE_COLUMNS] + [6, 8]
    for n, w in enumerate(widths, 1):
        ws2.column_dimensions[get_column_letter(n)].width = w
    _header(ws2, heads)

    rows = n_tables = 0
    for t in tables:
        for row in flat_rows((t,)):
            ws.append([_value(v) for v in row])
            rows += 1
        total = sum(i.score or 0 for i in t.indicators)
        ws2.append(
            [_value(g(t)) for _, _, g in TABLE_COLUMNS]
            + [len(t.indicators), json_number(float(total))]
        )
        n_tables += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{rows + 1}"
    ws2.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{n_tables + 1}"
    wb.save(out)
    return rows
