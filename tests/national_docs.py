"""Fixture documents in the national layout: one JSON spec → a Document, a .docx and a .xlsx.

A spec (``tests/data/national/*.json``) holds ``blocks`` and the hand-written
``expected`` tables. A block is a line of text, ``"---"`` (a blank line or row
between tables), ``{"sheet": name}`` (a new worksheet; a page break in Word) or
``{"rows": [...]}``, a table written as HTML writes one: each row lists its own
cells left to right, a cell is ``"text"`` or ``["text", rowspan, colspan]``, and a
position covered by a cell merged down from above is skipped, not listed.

Expected indicators are written compactly as
``[name, operator, value, number, unit, score, core, level1, level2]``; table
fields left out of ``expected`` are null (``extra`` ``{}``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jixiao.readers.grid import Block, Cell, Document, Grid, Paragraph

DATA = Path(__file__).parent / "data" / "national"
FIXTURES = sorted(DATA.glob("*.json"))

_TABLE_DEFAULTS: dict[str, Any] = {
    "region": None, "year": None, "kind": None, "label": None, "department": None,
    "implementer": None, "project": None, "execution_weight": None, "money_unit": None,
    "funds": None, "overview": None, "basis": None, "goal": None, "indicators": [],
    "extra": {}, "contact": None,
}  # fmt: skip
_INDICATOR_KEYS = ("name", "operator", "value", "number", "unit", "score", "core", "level1",
                   "level2")  # fmt: skip
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def load(path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return spec


def expected_tables(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The interchange form of every table in the spec, with the defaults filled in."""
    out = []
    for t in spec["expected"]:
        table = {**_TABLE_DEFAULTS, **t}
        table["funds"] = {"total": None, "superior": None, "district": None, "other": None,
                          **(t.get("funds") or {})}  # fmt: skip
        table["contact"] = {"name": None, "phone": None, **(t.get("contact") or {})}
        table["indicators"] = [dict(zip(_INDICATOR_KEYS, i, strict=True)) for i in t["indicators"]]
        out.append(table)
    return out


def layout(rows: list[list[Any]]) -> list[Cell]:
    """HTML-style rows → cells at their grid positions, skipping positions merged from above."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        for item in row:
            while (r, c) in taken:
                c += 1
            text, rs, cs = (item, 1, 1) if isinstance(item, str) else item
            cells.append(Cell(text, r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
    return cells


def to_document(spec: dict[str, Any], name: str = "fixture.docx") -> Document:
    """The Document a reader should make of the rendered file: paragraphs and grids with spans."""
    blocks: list[Block] = []
    line = 1
    for b in spec["blocks"]:
        if b == "---" or isinstance(b, dict) and "sheet" in b:
            continue
        if isinstance(b, str):
            blocks.append(Paragraph(b, line))
            line += 1
            continue
        g = Grid.from_cells(layout(b["rows"]))
        g.row_lines = list(range(line, line + len(g.rows)))
        line += len(g.rows)
        blocks.append(g)
    return Document(name=name, path="", format="docx", blocks=blocks)


def write_docx(spec: dict[str, Any], path: Path) -> None:
    """Paragraphs and Word tables with real merges (gridSpan / vMerge via ``cell.merge``)."""
    import docx
    from docx.enum.text import WD_BREAK

    d = docx.Document()
    for b in spec["blocks"]:
        if b == "---":
            d.add_paragraph("")
        elif isinstance(b, str):
            d.add_paragraph(b)
        elif "sheet" in b:
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            cells = layout(b["rows"])
            nrows = max(c.row + c.rowspan for c in cells)
            ncols = max(c.col + c.colspan for c in cells)
            table = d.add_table(rows=nrows, cols=ncols)
            table.style = "Table Grid"
            for c in cells:
                top = table.cell(c.row, c.col)
                if c.rowspan > 1 or c.colspan > 1:
                    top = top.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
                top.text = c.text
    d.save(str(path))


def write_xlsx(spec: dict[str, Any], path: Path) -> None:
    """Each sheet as people lay one out: title and unit rows merged across, a table, notes below.

    Plain numbers go in as numbers (as a spreadsheet holds them); everything else as text.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    row = 1
    width = max(
        max(c.col + c.colspan for c in layout(b["rows"]))
        for b in spec["blocks"] if isinstance(b, dict) and "rows" in b
    )  # fmt: skip
    for b in spec["blocks"]:
        if b == "---":
            row += 1
        elif isinstance(b, str):
            ws.cell(row=row, column=1, value=b)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        elif "sheet" in b:
            ws = wb.create_sheet(b["sheet"])
            row = 1
        else:
            cells = layout(b["rows"])
            for c in cells:
                value: str | int | float = c.text
                if _NUMBER.fullmatch(c.text):
                    value = float(c.text) if "." in c.text else int(c.text)
                cell = ws.cell(row=row + c.row, column=c.col + 1, value=value if c.text else None)
                if c.text.startswith("="):
                    # "=0次" is text a person typed with a leading quote, not a formula.
                    cell.data_type = "s"
                if c.rowspan > 1 or c.colspan > 1:
                    ws.merge_cells(start_row=row + c.row, start_column=c.col + 1,
                                   end_row=row + c.row + c.rowspan - 1,
                                   end_column=c.col + c.colspan)  # fmt: skip
            row += max(c.row + c.rowspan for c in cells)
    wb.save(str(path))
