"""Reader for Word documents (``.docx``), with python-docx.

The body is read in document order: each paragraph becomes a :class:`Paragraph`
(the title ``…绩效目标表``, ``单位：万元``, ``联系人：…``) and each table a
:class:`Grid` with its merges — ``w:gridSpan`` (merged across) and ``w:vMerge``
(merged down) become ``spans``. A cell's paragraphs are joined with ``\\n``; a
table nested in a cell contributes its paragraphs to that cell's text.

Line numbers: the body is counted as a text file would be — each body
paragraph and each table row is one line, 1-based, in document order — so an
error says ``第 41 行`` about the 41st paragraph-or-row of the document.
"""

from __future__ import annotations

import os
from typing import Any

from .grid import Block, Cell, Document, Grid, Paragraph
from .safety import check_ooxml, unreadable

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_P = f"{{{_W}}}p"
_TBL = f"{{{_W}}}tbl"
_TR = f"{{{_W}}}tr"
_TC = f"{{{_W}}}tc"
_SDT = f"{{{_W}}}sdt"
_SDT_CONTENT = f"{{{_W}}}sdtContent"
_T = f"{{{_W}}}t"
_TAB = f"{{{_W}}}tab"
_BR = f"{{{_W}}}br"
_CR = f"{{{_W}}}cr"
_VAL = f"{{{_W}}}val"
# Wrappers whose children belong to the same flow (content controls, inserted revisions).
_CONTAINERS = frozenset({_SDT, _SDT_CONTENT, f"{{{_W}}}customXml", f"{{{_W}}}ins"})


def read_docx(path: str) -> Document:
    """Read a ``.docx`` into paragraphs and grids, in document order."""
    name = os.path.basename(path)
    check_ooxml(path, name, "Word")
    try:
        import docx  # local: the library is only loaded when a Word file is read

        body = docx.Document(path).element.body
    except Exception as e:
        # Whatever the parser trips on — a missing part (KeyError), an .xlsx renamed
        # .docx (ValueError), a broken part (lxml's XMLSyntaxError) — the file is bad,
        # and the person needs one line, not a traceback.
        raise unreadable(name, "Word", e) from None
    blocks: list[Block] = []
    _Walker(blocks).walk(body)
    return Document(name=name, path=path, format="docx", blocks=blocks)


class _Walker:
    """Walks the body, numbering paragraphs and table rows as lines."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.line = 0

    def walk(self, parent: Any) -> None:
        for el in parent.iterchildren():
            tag = el.tag
            if tag == _P:
                self.line += 1
                text = paragraph_text(el).strip()
                if text:
                    self.blocks.append(Paragraph(text, self.line))
            elif tag == _TBL:
                grid = self.table(el)
                if grid.rows:
                    self.blocks.append(grid)
            elif tag in _CONTAINERS:
                self.walk(el)

    def table(self, tbl: Any) -> Grid:
        cells: list[Cell] = []
        # (row, col) of the cell that a vMerge "continue" at this grid column extends.
        open_vmerge: dict[int, int] = {}
        row_lines: list[int] = []
        rowspans: dict[int, int] = {}  # index in `cells` → rowspan
        r = 0
        for tr in _rows(tbl):
            self.line += 1
            row_lines.append(self.line)
            c = _grid_before(tr)
            for tc in _row_cells(tr):
                span = _int_prop(tc, "gridSpan", 1)
                vmerge = _vmerge(tc)
                if vmerge == "continue" and c in open_vmerge:
                    i = open_vmerge[c]
                    rowspans[i] = r - cells[i].row + 1
                else:
                    cells.append(Cell(cell_text(tc), r, c, 1, max(span, 1)))
                    if vmerge == "restart":
                        open_vmerge[c] = len(cells) - 1
                    else:
                        open_vmerge.pop(c, None)
                c += max(span, 1)
            r += 1
        out = [
            Cell(x.text, x.row, x.col, rowspans.get(i, 1), x.colspan) for i, x in enumerate(cells)
        ]
        grid = Grid.from_cells(out, row_lines=row_lines)
        # A row of only covered cells still counts: keep the grid as tall as the table.
        while len(grid.rows) < r:
            grid.rows.append([""] * (len(grid.rows[0]) if grid.rows else 0))
        return grid


def _rows(tbl: Any) -> list[Any]:
    out: list[Any] = []
    for el in tbl.iterchildren():
        if el.tag == _TR:
            out.append(el)
        elif el.tag in _CONTAINERS:
            out.extend(_rows(el))
    return out


def _row_cells(tr: Any) -> list[Any]:
    out: list[Any] = []
    for el in tr.iterchildren():
        if el.tag == _TC:
            out.append(el)
        elif el.tag in _CONTAINERS:
            out.extend(_row_cells(el))
    return out


def _grid_before(tr: Any) -> int:
    pr = tr.find(f"{{{_W}}}trPr")
    if pr is None:
        return 0
    gb = pr.find(f"{{{_W}}}gridBefore")
    return _to_int(gb.get(_VAL) if gb is not None else None, 0)


def _int_prop(tc: Any, prop: str, default: int) -> int:
    pr = tc.find(f"{{{_W}}}tcPr")
    if pr is None:
        return default
    el = pr.find(f"{{{_W}}}{prop}")
    return _to_int(el.get(_VAL) if el is not None else None, default)


def _to_int(v: str | None, default: int) -> int:
    try:
        # A hostile span of 10^9 columns would allocate a 10^9-wide row; Word allows 63.
        return min(int(v), 1000) if v is not None else default
    except ValueError:
        return default


def _vmerge(tc: Any) -> str | None:
    """``"restart"``, ``"continue"`` (a bare ``<w:vMerge/>`` means continue), or None."""
    pr = tc.find(f"{{{_W}}}tcPr")
    if pr is None:
        return None
    el = pr.find(f"{{{_W}}}vMerge")
    if el is None:
        return None
    return "restart" if el.get(_VAL) == "restart" else "continue"


def paragraph_text(p: Any) -> str:
    """The visible text of one ``w:p``: runs, tabs and line breaks, without deleted revisions."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        tag = el.tag
        if tag == _T:
            parts.append(el.text or "")
        elif tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def cell_text(tc: Any) -> str:
    """A cell's paragraphs (nested tables' too) joined with ``\\n``, blank ones dropped."""
    lines = [paragraph_text(p).strip() for p in tc.iter(_P)]
    return "\n".join(t for t in lines if t)
