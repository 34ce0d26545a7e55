"""Reader for web pages (``.html``/``.htm``) as government sites publish 绩效目标表, with lxml.

Every ``<table>`` becomes a :class:`Grid`, its ``rowspan``/``colspan`` becoming
spans; ``<br>`` and block elements (``<p>``, ``<div>`` …) inside a cell become
``\\n``. Text outside tables (``<h1>``, ``<p>``, ``<div>`` …) becomes one
:class:`Paragraph` per rendered line, in document order. A table that holds
another table is page layout (a frame around the article), not data: its cells
are read as ordinary flow, so the inner table comes out as the grid.

White space is collapsed as a browser does, and a line break in the source
between two Chinese characters is dropped (CSS Text's rule for East Asian
text), so ``长寿区\\n生态环境局`` reads ``长寿区生态环境局``.

Nothing is fetched: the parser runs with ``no_network=True``, and an HTML
parser expands no external entities. Line numbers are source lines.
"""

from __future__ import annotations

import os
import re
from typing import Any

from ..errors import UnreadableFile
from .grid import Block, Cell, Document, Grid, Paragraph
from .safety import check_size, unreadable
from .text import decode

# A table of more cells than this is no 绩效目标表; a hostile colspan would ask for billions.
MAX_TABLE_CELLS = 1_000_000
MAX_COLSPAN = 1000  # the HTML standard's own limit
MAX_ROWSPAN = 65534

_SKIP = frozenset(
    {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "embed",
     "svg", "math", "select", "option", "button", "textarea", "input", "img", "video", "audio"}
)  # fmt: skip
_BLOCK = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
     "section", "article", "header", "footer", "main", "nav", "aside", "blockquote", "pre",
     "center", "form", "hr", "address", "figure", "figcaption", "caption", "body", "html",
     "table", "tr", "td", "th", "thead", "tbody", "tfoot", "fieldset", "legend"}
)  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_WS = re.compile(r"[ \t\r\n\f\u00a0]+")
# A source line break between two wide (CJK) characters renders as nothing.
_CJK_BREAK = re.compile(
    r"(?<=[\u3000-\u9fff\uff00-\uffef])[ \t\r\f]*\n[ \t\r\n\f]*(?=[\u3000-\u9fff\uff00-\uffef])"
)
# Legacy charsets on Chinese sites; GB18030 reads everything GB2312 and GBK wrote.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def read_html(path: str) -> Document:
    """Read a web page into paragraphs and grids, in document order."""
    name = os.path.basename(path)
    check_size(path, name)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise UnreadableFile.of_os_error(e, file=name) from None
    text = _decode(data, name)
    try:
        import lxml.html

        parser = lxml.html.HTMLParser(
            no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
        )
        root = lxml.html.document_fromstring(_XML_DECL.sub("", text), parser=parser)
    except Exception as e:
        # lxml's ParserError ("Document is empty") and XMLSyntaxError: one message.
        raise unreadable(name, "HTML", e) from None
    walker = _Flow(name)
    walker.walk(root)
    walker.flush()
    return Document(name=name, path=path, format="html", blocks=walker.blocks)


def _decode(data: bytes, name: str) -> str:
    m = _CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        enc = m.group(1).decode("ascii").lower()
        try:
            return data.decode(_ALIASES.get(enc, enc))
        except (LookupError, UnicodeDecodeError):
            pass  # the page lies about its charset (it happens): guess as for text
    return decode(data, name)


def _squash(s: str) -> str:
    return _WS.sub(" ", _CJK_BREAK.sub("", s))


class _Flow:
    """Walks flow content, cutting lines at blocks and ``<br>``; tables become grids."""

    def __init__(self, name: str, *, in_cell: bool = False) -> None:
        self.name = name
        self.in_cell = in_cell
        self.blocks: list[Block] = []
        self.lines: list[str] = []
        self.buf: list[str] = []
        self.buf_line = 0

    def add(self, text: str | None, line: int | None) -> None:
        if text:
            if not self.buf:
                self.buf_line = line or 0
            self.buf.append(text)

    def flush(self) -> None:
        if not self.buf:
            return
        t = _squash("".join(self.buf)).strip()
        self.buf = []
        if t:
            if self.in_cell:
                self.lines.append(t)
            else:
                self.blocks.append(Paragraph(t, self.buf_line))

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.lower()
        if tag in _SKIP or not tag:
            return
        line = el.sourceline
        if tag == "br":
            self.flush()
            return
        if tag == "table" and not self.in_cell and el.find(".//table") is None:
            self.flush()
            grid = _table(el, self.name)
            if grid.rows:
                self.blocks.append(grid)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.add(el.text, line)
        for child in el:
            self.walk(child)
            self.add(child.tail, child.sourceline)
        if block:
            self.flush()


def _rows(table: Any) -> list[Any]:
    out: list[Any] = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag.lower() == "tr")
    return out


def _span(el: Any, attr: str, limit: int, default: int = 1) -> int:
    v = (el.get(attr) or "").strip()
    m = re.match(r"\d+", v)
    if m is None:
        return default
    n = int(m.group(0)[:7])
    return min(n, limit) if n > 0 else (0 if attr == "rowspan" else default)


def cell_text(td: Any, name: str) -> str:
    flow = _Flow(name, in_cell=True)
    flow.add(td.text, td.sourceline)
    for child in td:
        flow.walk(child)
        flow.add(child.tail, child.sourceline)
    flow.flush()
    return "\n".join(flow.lines)


def _table(table: Any, name: str) -> Grid:
    """The HTML table model: each cell takes the first free slot of its row."""
    trs = _rows(table)
    nrows = len(trs)
    taken: set[tuple[int, int]] = set()
    cells: list[Cell] = []
    width = 0
    for r, tr in enumerate(trs):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            cs = _span(td, "colspan", MAX_COLSPAN)
            rs = _span(td, "rowspan", MAX_ROWSPAN)
            # rowspan="0" runs to the end of the table; no span runs past it.
            rs = nrows - r if rs == 0 else min(rs, nrows - r)
            width = max(width, c + cs)
            if nrows * width > MAX_TABLE_CELLS:
                raise UnreadableFile(
                    f"表格过大（{nrows} 行 × {width} 列），不是绩效目标表",
                    file=name,
                    line=tr.sourceline,
                )
            cells.append(Cell(cell_text(td, name), r, c, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
    grid = Grid.from_cells(cells, row_lines=[tr.sourceline or 0 for tr in trs])
    for row in grid.rows:
        row.extend([""] * (width - len(row)))
    while len(grid.rows) < nrows:
        grid.rows.append([""] * width)
    return grid
