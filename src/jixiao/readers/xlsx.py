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

Limits before allocation. python-calamine builds a dense grid over the box from
the first to the last cell holding a value, so one value at ``XFD1048576`` asks for
half a terabyte and aborts the process (a Rust allocation failure cannot be
caught). Before calamine reads a sheet, :func:`used_extent` streams the sheet's XML
(``defusedxml``, no DTD, no entity) and finds that box from the cells themselves —
the ``<dimension>`` element is the writer's claim and may lie or be missing — and
a sheet whose box passes :data:`MAX_CELLS` is refused naming its far cell.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import posixpath
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import defusedxml.ElementTree as SafeET

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
    # Sheet name → its XML part, for the extent check (.xls is BIFF, not XML: see below).
    parts = None if path.lower().endswith(".xls") else sheet_parts(path)
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
            if parts is not None:
                check_extent(path, parts, meta.name)
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


@dataclass(frozen=True, slots=True)
class Extent:
    """The box of a sheet's cells that hold a value (0-based, inclusive), and how many."""

    top: int
    left: int
    bottom: int
    right: int
    cells: int

    @property
    def area(self) -> int:
        return (self.bottom - self.top + 1) * (self.right - self.left + 1)


def sheet_parts(path: str) -> dict[str, str]:
    """Each worksheet's name → its XML member, from the workbook part and its relationships.

    A workbook whose parts cannot be mapped gives ``{}``: :func:`check_extent` then
    scans every worksheet part, which refuses no less than a mapped scan would.
    """
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            book = SafeET.fromstring(z.read("xl/workbook.xml"), forbid_dtd=True)
            rels = SafeET.fromstring(z.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except Exception:
        return {}
    targets = {
        r.get("Id"): r.get("Target", "") for r in rels if r.tag.rpartition("}")[2] == "Relationship"
    }
    out: dict[str, str] = {}
    for el in book.iter():
        if el.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.rpartition("}")[2] == "id"), None)
        target = targets.get(rid)
        if not target:
            continue
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        member = posixpath.normpath(member)
        if member in names:
            out[el.get("name", "")] = member
    return out


def check_extent(path: str, parts: dict[str, str], sheet: str) -> None:
    """Refuse a sheet whose filled box would make calamine allocate more than MAX_CELLS cells."""
    with zipfile.ZipFile(path) as z:
        if sheet in parts:
            members = [parts[sheet]]
        else:
            members = [
                m for m in z.namelist() if m.startswith("xl/worksheets/") and m.endswith(".xml")
            ]
        for member in members:
            with z.open(member) as f:
                ext = used_extent(f)
            if ext is not None and ext.area > MAX_CELLS:
                raise UnreadableFile(
                    f"工作表“{sheet}”有内容的区域过大：{cell_name(ext.top, ext.left)} 至 "
                    f"{cell_name(ext.bottom, ext.right)}（{ext.bottom - ext.top + 1} 行 × "
                    f"{ext.right - ext.left + 1} 列，上限 {MAX_CELLS} 格），"
                    "疑似异常文件，请删除远处的单元格后再导入"
                )


def used_extent(stream: IO[bytes]) -> Extent | None:
    """Stream a worksheet part and find the box of the cells holding a value (None: no value).

    A cell without an ``r`` attribute follows the one before it, a row without one
    follows the row before, as Excel reads them. Elements are cleared as the scan
    passes, so memory stays flat however many cells the sheet has.
    """
    top = left = 1 << 62
    bottom = right = -1
    cells = 0
    row = col = -1
    valued = False
    parents: list[Any] = []
    for event, el in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
        tag = el.tag.rpartition("}")[2]
        if event == "start":
            parents.append(el)
            if tag == "row":
                r = el.get("r")
                row = int(r) - 1 if r and r.isdigit() else row + 1
                col = -1
            elif tag == "c":
                ref = el.get("r")
                if ref:
                    row, col = cell_position(ref, row, col)
                else:
                    col += 1
                valued = False
            elif tag in ("v", "is"):
                valued = True
            continue
        parents.pop()
        if tag == "c" and valued:
            cells += 1
            top, left = min(top, row), min(left, col)
            bottom, right = max(bottom, row), max(right, col)
        if parents:
            parents[-1].remove(el)  # done with it: the scan keeps no tree
    if bottom < 0:
        return None
    return Extent(top, left, bottom, right, cells)


def cell_position(ref: str, row: int, col: int) -> tuple[int, int]:
    """``"XFD1048576"`` → (1048575, 16383), 0-based; a malformed reference keeps the place."""
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    if not letters.isalpha() or not letters.isascii():
        return row, col + 1
    c = 0
    for ch in letters.upper():
        c = c * 26 + ord(ch) - 64
    return (int(digits) - 1 if digits else row), c - 1


def cell_name(row: int, col: int) -> str:
    """(0, 0) → ``"A1"``: the address a person finds in Excel."""
    letters = ""
    c = col + 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


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
