"""The only thing readers produce: a document as paragraphs and grids of cells.

A reader (one per format) turns a file into a :class:`Document`: a sequence of
:class:`Paragraph` (a line of text outside any table: a title, ``单位：万元``,
``联系人：…``) and :class:`Grid` (a table, as rows of cell text with the row and
column spans of merged cells). The forms layer maps a document to tables and
never needs to know which format the document came from.

A grid is kept dense: ``rows[r][c]`` is the text of the cell whose top-left
corner is at (r, c), and ``""`` for a position covered by a merge or empty.
``spans`` holds ``(rowspan, colspan)`` for every cell larger than 1×1.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(slots=True, frozen=True)
class Cell:
    """单元格: one cell with its position and its merge span."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(slots=True)
class Grid:
    """表格: one table as the reader found it."""

    rows: list[list[str]]
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # Where each row came from: a 1-based line (text formats) or page (paged formats).
    row_lines: list[int] = field(default_factory=list)
    page: int | None = None
    # The source stopped inside this grid's last row (a text file cut mid-line):
    # that row may have lost cells, so the forms must not take it as whole.
    open_end: bool = False

    @property
    def line(self) -> int | None:
        return self.row_lines[0] if self.row_lines else None

    @property
    def last_line(self) -> int | None:
        return self.row_lines[-1] if self.row_lines else None

    @classmethod
    def from_cells(
        cls, cells: Iterable[Cell], *, row_lines: list[int] | None = None, page: int | None = None
    ) -> Grid:
        cells = list(cells)
        nrows = max((c.row + c.rowspan for c in cells), default=0)
        ncols = max((c.col + c.colspan for c in cells), default=0)
        rows = [[""] * ncols for _ in range(nrows)]
        spans: dict[tuple[int, int], tuple[int, int]] = {}
        for c in cells:
            rows[c.row][c.col] = c.text
            if c.rowspan > 1 or c.colspan > 1:
                spans[(c.row, c.col)] = (c.rowspan, c.colspan)
        return cls(rows=rows, spans=spans, row_lines=row_lines or [], page=page)

    def cells(self) -> Iterator[Cell]:
        """Every non-covered cell with its span (covered positions of a merge are skipped)."""
        covered = self.covered()
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                rs, cs = self.spans.get((r, c), (1, 1))
                yield Cell(text, r, c, rs, cs)

    def covered(self) -> set[tuple[int, int]]:
        """Positions hidden under a merged cell (not its top-left corner)."""
        out: set[tuple[int, int]] = set()
        for (r, c), (rs, cs) in self.spans.items():
            for dr in range(rs):
                for dc in range(cs):
                    if dr or dc:
                        out.add((r + dr, c + dc))
        return out

    def filled(self) -> list[list[str]]:
        """Rows where every position under a merge carries the merged cell's text.

        The national layout needs this: a 一级指标 cell merged over five rows applies
        to each of the five indicators.
        """
        rows = [list(r) for r in self.rows]
        for (r, c), (rs, cs) in self.spans.items():
            text = self.rows[r][c]
            for dr in range(rs):
                for dc in range(cs):
                    if r + dr < len(rows) and c + dc < len(rows[r + dr]):
                        rows[r + dr][c + dc] = text
        return rows

    def line_of(self, r: int) -> int | None:
        if 0 <= r < len(self.row_lines):
            return self.row_lines[r]
        return self.page


@dataclass(slots=True, frozen=True)
class Paragraph:
    """段落: a line of text outside any table."""

    text: str
    line: int


Block = Paragraph | Grid


@dataclass(slots=True)
class Document:
    """文档: what a reader makes of one file."""

    name: str  # the file name, as tables cite it in ``source.file``
    path: str
    format: str  # "text", "docx", "xlsx", "pdf", "html"
    blocks: list[Block]
    # What the reader had to do to the file to read it (a cut last character dropped):
    # warnings for the person importing, never silent.
    notes: list[str] = field(default_factory=list)
