"""Reader for PDF documents with a text layer (ruled tables), with pdfplumber and pypdfium2.

Per page, one ``find_tables`` pass finds the ruled tables; every character of
the page (``page.chars``, parsed once) then goes either to the cell that holds
its centre or to the text outside the tables. So the table finder runs once,
and text is never extracted twice.

- Merges: pdfplumber reports a merged position as ``None``; spans are rebuilt
  from the cell boxes against the table's distinct column and row edges.
- Wrapped cells: the lines of one cell are joined without a separator, since
  Chinese wraps anywhere (``城乡居民医保参保`` + ``人数``); only between two Latin
  letters is a space put back.
- Page breaks: a table continued on the next page comes back as a second grid.
  When its column edges match the previous table's, it takes that table's
  columns, so the two parts line up and the segmenter joins them into one
  table (a row split by the break is joined by the district form).
- Text outside the tables becomes :class:`Paragraph` lines, placed before,
  between or after the tables by their height on the page. Page numbers
  (``- 3 -``) come through as paragraphs; the segmenter drops them.

A PDF without a text layer (a scan) is refused with :class:`UnreadableFile`:
pypdfium2 counts the characters of each page before pdfplumber is started.

Line numbers are page numbers (1-based): an error says ``第 3 行`` of page 3.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Sequence
from typing import Any

from ..errors import UnreadableFile
from .grid import Block, Cell, Document, Grid, Paragraph
from .safety import check_size, unreadable

# A budget book runs to a few hundred pages; more is not a table document.
MAX_PAGES = 2000
# Points: edges closer than this are one edge (a ruled line is drawn ~0.5–1 pt wide).
_EDGE_TOL = 1.5
# Points: a gap this wide between two characters of a line is a space (pdfplumber's default).
_SPACE_GAP = 3.0

OCR_STATUS = "本系统尚未接入文字识别（OCR）"


def read_pdf(path: str) -> Document:
    """Read a PDF into paragraphs and grids, page by page, top to bottom."""
    name = os.path.basename(path)
    check_size(path, name)
    pages_with_text = _text_layer(path, name)
    try:
        import pdfplumber

        blocks: list[Block] = []
        with pdfplumber.open(path) as pdf:
            prev_cols: list[float] | None = None
            for n, page in enumerate(pdf.pages, 1):
                if n - 1 not in pages_with_text:
                    continue
                page_blocks, prev_cols = _page_blocks(page, n, prev_cols)
                blocks.extend(page_blocks)
                # Layout objects are cached per page; a long PDF would keep them all.
                page.close()
    except UnreadableFile:
        raise
    except Exception as e:
        # pdfminer's PDFSyntaxError, PSEOF, PDFPasswordIncorrect …: one message.
        raise unreadable(name, "PDF", e) from None
    return Document(name=name, path=path, format="pdf", blocks=blocks)


def _text_layer(path: str, name: str) -> set[int]:
    """0-based pages with text; :class:`UnreadableFile` for a scan, a locked or a broken PDF."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise UnreadableFile("PDF 文件已加密（设有打开密码），无法读取", file=name) from None
        raise unreadable(name, "PDF", e) from None
    try:
        if len(doc) > MAX_PAGES:
            raise UnreadableFile(f"PDF 页数过多（{len(doc)} 页，上限 {MAX_PAGES}）", file=name)
        with_text: set[int] = set()
        for i in range(len(doc)):
            page = doc[i]
            try:
                tp = page.get_textpage()
                try:
                    if tp.count_chars() > 0:
                        with_text.add(i)
                finally:
                    tp.close()
            finally:
                page.close()
        if not with_text:
            raise UnreadableFile(
                f"PDF 是扫描件（共 {len(doc)} 页，没有文字层），无法读取表格；"
                f"{OCR_STATUS}，请提供 Word、Excel 或带文字层的 PDF",
                file=name,
            )
        return with_text
    finally:
        doc.close()


def _page_blocks(
    page: Any, page_no: int, prev_cols: list[float] | None
) -> tuple[list[Block], list[float] | None]:
    tables = page.find_tables()
    placed: list[tuple[float, int, Block]] = []
    frames: list[_Frame] = []
    for t in tables:
        frame = _Frame(t, prev_cols)
        if frame.nrows and frame.ncols:
            frames.append(frame)
            prev_cols = frame.xs
    outside: list[dict[str, Any]] = []
    for ch in page.chars:
        cx = (ch["x0"] + ch["x1"]) / 2
        cy = (ch["top"] + ch["bottom"]) / 2
        for f in frames:
            if f.take(ch, cx, cy):
                break
        else:
            outside.append(ch)
    for f in frames:
        placed.append((f.top, 0, f.grid(page_no)))
    for top, text in _lines(outside):
        placed.append((top, 1, Paragraph(text, page_no)))
    placed.sort(key=lambda x: (x[0], x[1]))
    return [b for _, _, b in placed], prev_cols


def _edges(values: Sequence[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _EDGE_TOL:
            out.append(v)
    return out


def _index(edges: list[float], v: float) -> int:
    """The edge nearest to v."""
    i = bisect.bisect_left(edges, v)
    if i == len(edges) or (i > 0 and v - edges[i - 1] < edges[i] - v):
        i -= 1
    return i


class _Frame:
    """One table on one page: its edges, its cells, and the characters that fall in them."""

    def __init__(self, table: Any, prev_cols: list[float] | None) -> None:
        boxes = [c for c in table.cells if c is not None]
        self.top = float(table.bbox[1])
        self.x0, self.y0, self.x1, self.y1 = (float(v) for v in table.bbox)
        xs = _edges([v for b in boxes for v in (b[0], b[2])])
        # A continuation part that has fewer columns than the part above (say, only
        # the overview row) takes the columns of the part above, so they line up.
        if prev_cols and all(abs(x - prev_cols[_index(prev_cols, x)]) <= _EDGE_TOL for x in xs):
            xs = prev_cols
        self.xs = xs
        self.ys = _edges([v for b in boxes for v in (b[1], b[3])])
        self.ncols = max(len(self.xs) - 1, 0)
        self.nrows = max(len(self.ys) - 1, 0)
        self.cells: list[tuple[int, int, int, int]] = []
        self.slot: dict[tuple[int, int], int] = {}
        for b in boxes:
            c0, c1 = _index(self.xs, b[0]), _index(self.xs, b[2])
            r0, r1 = _index(self.ys, b[1]), _index(self.ys, b[3])
            if c1 <= c0 or r1 <= r0:
                continue  # a sliver between two ruled lines drawn close together
            k = len(self.cells)
            self.cells.append((r0, c0, r1 - r0, c1 - c0))
            for r in range(r0, r1):
                for c in range(c0, c1):
                    self.slot.setdefault((r, c), k)
        self.chars: list[list[dict[str, Any]]] = [[] for _ in self.cells]

    def take(self, ch: dict[str, Any], cx: float, cy: float) -> bool:
        if not (self.x0 <= cx <= self.x1 and self.y0 <= cy <= self.y1):
            return False
        c = bisect.bisect_right(self.xs, cx) - 1
        r = bisect.bisect_right(self.ys, cy) - 1
        k = self.slot.get((r, c))
        if k is None:
            return False
        self.chars[k].append(ch)
        return True

    def grid(self, page_no: int) -> Grid:
        cells = [
            Cell(join_wrapped([t for _, t in _lines(chs)]), r, c, rs, cs)
            for (r, c, rs, cs), chs in zip(self.cells, self.chars, strict=True)
        ]
        g = Grid.from_cells(cells, row_lines=[page_no] * self.nrows, page=page_no)
        for row in g.rows:
            row.extend([""] * (self.ncols - len(row)))
        while len(g.rows) < self.nrows:
            g.rows.append([""] * self.ncols)
        return g


def _lines(chars: list[dict[str, Any]]) -> list[tuple[float, str]]:
    """Characters → (top, text) lines, top to bottom, each read left to right."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda ch: (ch["top"], ch["x0"]))
    lines: list[list[dict[str, Any]]] = []
    for ch in chars:
        # Same line when the vertical extents overlap by half a character or more.
        if lines:
            last = lines[-1][0]
            overlap = min(last["bottom"], ch["bottom"]) - max(last["top"], ch["top"])
            if overlap >= 0.5 * min(last["bottom"] - last["top"], ch["bottom"] - ch["top"]):
                lines[-1].append(ch)
                continue
        lines.append([ch])
    out: list[tuple[float, str]] = []
    for line in lines:
        line.sort(key=lambda ch: ch["x0"])
        parts: list[str] = []
        prev: dict[str, Any] | None = None
        for ch in line:
            t = ch["text"]
            if (
                prev is not None
                and ch["x0"] - prev["x1"] > _SPACE_GAP
                and not t.isspace()
                and not prev["text"].isspace()
            ):
                parts.append(" ")
            parts.append(t)
            prev = ch
        text = "".join(parts).strip()
        if text:
            out.append((min(ch["top"] for ch in line), text))
    return out


def join_wrapped(lines: list[str]) -> str:
    """A cell's wrapped lines as one text: ``["项目总资", "金额"]`` → ``"项目总资金额"``."""
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        if out and line and _latin(out[-1]) and _latin(line[0]):
            out += " " + line  # "annual" / "report": Latin text wraps at a space
        else:
            out += line
    return out


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()
