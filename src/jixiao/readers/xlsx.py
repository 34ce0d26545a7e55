"""Reader for workbooks (``.xlsx``, ``.xlsm`` and the old binary ``.xls``), with python-calamine.

Every visible worksheet is read in order. A sheet is cut into blocks at fully
empty rows and columns (recursively, so two tables side by side or one under
another come apart); a merged range counts as filled over its whole area. A
block whose rows each hold a single text — a title ``…绩效目标表``, ``单位：万元``,
``联系人：…`` — becomes one :class:`Paragraph` a row; any other block is a
:class:`Grid` with the sheet's merged ranges as spans.

Numbers are written as a person reads them: ``144`` not ``144.0``, and float
noise from arithmetic in a cell (``28.049999999999997``) rounds to ten
significant digits (``28.05``).

Line numbers are the sheet's own row numbers (1-based, as Excel shows them);
``Grid.page`` is the 1-based sheet number.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

from ..errors import UnreadableFile
from .grid import Block, Cell, Document, Grid, Paragraph
from .safety import check_ooxml, check_size, unreadable

# A sheet's used area is declared by the file; a hostile one claims 1,048,576 × 16,384.
MAX_CELLS = 5_000_000
# Recursion depth of the cut into blocks; real sheets need two or three levels.
_MAX_CUT_DEPTH = 8

Span = tuple[int, int, int, int]  # top, left, bottom, right (inclusive), sheet-absolute


def read_xlsx(path: str) -> Document:
    """Read a workbook into paragraphs and grids, sheet by sheet, top to bottom."""
    name = os.path.basename(path)
    if path.lower().endswith(".xls"):
        check_size(path, name)  # an OLE2 file, not a zip: only the size can be checked up front
    else:
        check_ooxml(path, name, "Excel")
    try:
        import python_calamine as pc

        wb = pc.CalamineWorkbook.from_path(path)
        blocks: list[Block] = []
        for n, meta in enumerate(wb.sheets_metadata, 1):
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            # A hidden sheet is a draft or lookup data nobody filed: a person reads what they see.
            if meta.visible != pc.SheetVisibleEnum.Visible:
                continue
            sheet = wb.get_sheet_by_index(n - 1)
            if sheet.height * sheet.width > MAX_CELLS:
                raise UnreadableFile(
                    f"工作表“{meta.name}”过大（{sheet.height} 行 × {sheet.width} 列）", file=name
                )
            blocks.extend(sheet_blocks(sheet.to_python(), sheet.start, sheet.merged_cell_ranges, n))
    except UnreadableFile as e:
        raise e.located(file=name) from None
    except Exception as e:
        # python-calamine raises PasswordError for an encrypted book, ZipError /
        # XmlError / CalamineError for a broken one: to a person they are one thing.
        if type(e).__name__ == "PasswordError":
            raise UnreadableFile("Excel 文件已加密（设有打开密码），无法读取", file=name) from None
        raise unreadable(name, "Excel", e) from None
    return Document(name=name, path=path, format="xlsx", blocks=blocks)


def cell_text(v: Any) -> str:
    """A cell value as a person reads it: ``144.0`` → ``"144"``, ``28.049999999`` → ``"28.05"``."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return number_text(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ") if v.time() != dt.time() else v.date().isoformat()
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    if isinstance(v, dt.timedelta):
        return str(v)
    return str(v)


def number_text(x: float) -> str:
    if x != x or x in (float("inf"), float("-inf")):
        return str(x)
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))  # 13667669705 (a phone number stored as a number) stays whole
    s = f"{x:.10g}"
    if "e" in s:
        # "1e-05" is no way to write a budget figure: spell the rounded number out.
        s = f"{float(s):.20f}".rstrip("0").rstrip(".")
    return s


def sheet_blocks(
    data: list[list[Any]],
    start: tuple[int, int] | None,
    merged: Sequence[tuple[tuple[int, int], tuple[int, int]]] | None,
    sheet_no: int,
) -> list[Block]:
    """Cut one sheet (calamine's values from ``start``) into paragraphs and grids."""
    r0, c0 = start or (0, 0)
    texts: dict[tuple[int, int], str] = {}
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            t = cell_text(v).strip()
            if t:
                texts[(r0 + i, c0 + j)] = t
    spans: list[Span] = [(a[0], a[1], b[0], b[1]) for a, b in (merged or [])]
    if not texts:
        return []
    occupied: set[tuple[int, int]] = set(texts)
    area = 0
    for top, left, bottom, right in spans:
        # Merges are declared by the file: their total area is bounded like the sheet's.
        area += (bottom - top + 1) * (right - left + 1)
        if area > MAX_CELLS:
            raise UnreadableFile(f"合并单元格总面积过大（超过 {MAX_CELLS} 格）")
        occupied.update((r, c) for r in range(top, bottom + 1) for c in range(left, right + 1))
    starts = {(sp[0], sp[1]): sp for sp in spans}
    out: list[Block] = []
    for box, points in sorted(_cut(list(occupied), 0), key=lambda bp: bp[0]):
        out.extend(_block(box, points, texts, starts, sheet_no))
    return out


def _cut(points: list[tuple[int, int]], depth: int) -> list[tuple[Span, list[tuple[int, int]]]]:
    """XY-cut: split the points at fully empty rows, then columns, until neither splits.

    Each level hands its children only their own points, so a sheet of many
    tables costs about its number of cells times the depth, not times the tables.
    """
    used_rows = sorted({r for r, _ in points})
    used_cols = sorted({c for _, c in points})
    box = (used_rows[0], used_cols[0], used_rows[-1], used_cols[-1])
    if depth < _MAX_CUT_DEPTH:
        for used, axis in ((used_rows, 0), (used_cols, 1)):
            runs = _runs(used)
            if len(runs) > 1:
                firsts = [a for a, _ in runs]
                parts: list[list[tuple[int, int]]] = [[] for _ in runs]
                for p in points:
                    parts[bisect.bisect_right(firsts, p[axis]) - 1].append(p)
                return [x for part in parts for x in _cut(part, depth + 1)]
    return [(box, points)]


def _runs(sorted_ints: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for x in sorted_ints:
        if runs and x == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], x)
        else:
            runs.append((x, x))
    return runs


def _block(
    box: Span,
    points: list[tuple[int, int]],
    texts: dict[tuple[int, int], str],
    starts: dict[tuple[int, int], Span],
    sheet_no: int,
) -> list[Block]:
    top, left, bottom, right = box
    by_row: dict[int, list[str]] = {}
    for p in points:
        t = texts.get(p)
        if t is not None:
            by_row.setdefault(p[0], []).append(t)
    if all(len(v) == 1 for v in by_row.values()):
        # Lines of text, one cell each: a title, a unit, the contact lines.
        return [Paragraph(by_row[r][0], r + 1) for r in sorted(by_row)]
    cells: list[Cell] = []
    for r, c in points:
        t = texts.get((r, c))
        s = starts.get((r, c))
        if t is None and s is None:
            continue  # covered by a merge, or empty
        rs, cs = (1, 1)
        if s is not None:
            # A merge cut by the block's edge (it cannot be, but a file may say so) is clipped.
            rs, cs = min(s[2], bottom) - r + 1, min(s[3], right) - c + 1
        cells.append(Cell(t or "", r - top, c - left, rs, cs))
    nrows = bottom - top + 1
    grid = Grid.from_cells(cells, row_lines=list(range(top + 1, bottom + 2)), page=sheet_no)
    width = right - left + 1
    for row in grid.rows:
        row.extend([""] * (width - len(row)))
    while len(grid.rows) < nrows:
        grid.rows.append([""] * width)
    return [grid]
